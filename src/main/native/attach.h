/* attach.h -- the attach socket: live output to any number of clients, stdin and resizes from them.
 *
 * Contract (docs/shim-protocol.md, "Attach socket"):
 *   - shim_attach_listen() creates a SOCK_STREAM unix socket at path (an old file there is
 *     replaced), mode 0600, listening, non-blocking, CLOEXEC.  The path must fit sun_path (107
 *     bytes); longer is ENAMETOOLONG.
 *   - Every message, both ways, is a frame: an 8-byte header {type, 0, 0, 0, length as big-endian
 *     uint32} then `length` payload bytes (at most SHIM_ATTACH_MAX_PAYLOAD).
 *     shim -> client: type 1 = stdout, 2 = stderr (a terminal's output is stdout).
 *     client -> shim: 0 = stdin bytes, 1 = close stdin (EOF), 2 = resize (payload: rows, cols as
 *     big-endian uint16), 3 = release held output (see --hold-output in supervise.h).
 *     A client that sends an unknown type or an oversized frame is disconnected.
 *   - Output is never dropped for a slow client: frames queue per client and the supervisor stops
 *     reading the container's output while any client has more than SHIM_ATTACH_HIGH_WATER bytes
 *     queued (the container then blocks on its writes, as it would on a full pipe).
 *   - shim_attach_close() sends every queued frame (up to a deadline), closes the clients and
 *     unlinks the socket.
 */
#ifndef SHIM_ATTACH_H
#define SHIM_ATTACH_H

#include <stddef.h>
#include <stdint.h>
#include "error.h"

#define SHIM_ATTACH_MAX_PAYLOAD 32768
#define SHIM_ATTACH_MAX_CLIENTS 64
#define SHIM_ATTACH_HIGH_WATER (1024 * 1024)

enum
{
  SHIM_FRAME_STDIN = 0,
  SHIM_FRAME_STDOUT = 1,
  SHIM_FRAME_STDERR = 2,
  SHIM_FRAME_CLOSE_STDIN = 1,
  SHIM_FRAME_RESIZE = 2,
  SHIM_FRAME_RELEASE = 3
};

struct shim_attach_client_s
{
  int fd;
  unsigned char in[8 + SHIM_ATTACH_MAX_PAYLOAD];
  size_t in_len;
  char *out; /* queued frames: out[out_off, out_len) not yet sent */
  size_t out_len, out_off, out_size;
};

struct shim_attach_s
{
  int listen_fd; /* -1 = no attach socket */
  char *path;
  struct shim_attach_client_s *clients[SHIM_ATTACH_MAX_CLIENTS];
  int n_clients;
};
typedef struct shim_attach_s shim_attach_t;

/* What the clients ask for; called while a client's frames are parsed. */
struct shim_attach_handler_s
{
  void *data;
  void (*on_stdin) (void *data, const char *buf, size_t len);
  void (*on_close_stdin) (void *data);
  void (*on_resize) (void *data, unsigned rows, unsigned cols);
  void (*on_release) (void *data);
};

void shim_attach_init (shim_attach_t *a);
int shim_attach_listen (shim_attach_t *a, const char *path, shim_error_t *err);
/* Accepts every pending connection (beyond SHIM_ATTACH_MAX_CLIENTS they are closed at once). */
void shim_attach_accept (shim_attach_t *a);
/* Queues one output frame to every client and sends what the sockets take now. */
void shim_attach_broadcast (shim_attach_t *a, int type, const char *data, size_t len);
/* Sends queued frames of client i; drops the client on error.  */
void shim_attach_flush (shim_attach_t *a, int i);
/* Reads what client i sent and dispatches its complete frames; drops it on EOF or a bad frame. */
void shim_attach_read (shim_attach_t *a, int i, const struct shim_attach_handler_s *h);
/* The largest number of bytes queued for one client. */
size_t shim_attach_backlog (const shim_attach_t *a);
void shim_attach_close (shim_attach_t *a, int deadline_ms);

/* Pure (tests): writes the 8-byte header. */
void shim_attach_header (unsigned char hdr[8], int type, uint32_t len);
/* Pure (tests): 1 when buf holds a complete frame (type, payload length set), 0 when more bytes
   are needed, -1 for a frame longer than SHIM_ATTACH_MAX_PAYLOAD. */
int shim_attach_parse (const unsigned char *buf, size_t len, int *type, uint32_t *payload_len);

#endif
