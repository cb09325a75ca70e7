/* attach.c -- the attach socket (see attach.h). */
#define _GNU_SOURCE
#include <fcntl.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "attach.h"
#include "utils.h"

void
shim_attach_header (unsigned char hdr[8], int type, uint32_t len)
{
  hdr[0] = (unsigned char)type;
  hdr[1] = hdr[2] = hdr[3] = 0;
  hdr[4] = (unsigned char)(len >> 24);
  hdr[5] = (unsigned char)(len >> 16);
  hdr[6] = (unsigned char)(len >> 8);
  hdr[7] = (unsigned char)len;
}

int
shim_attach_parse (const unsigned char *buf, size_t len, int *type, uint32_t *payload_len)
{
  uint32_t n;

  if (len < 8)
    return 0;
  n = ((uint32_t)buf[4] << 24) | ((uint32_t)buf[5] << 16) | ((uint32_t)buf[6] << 8) | buf[7];
  if (n > SHIM_ATTACH_MAX_PAYLOAD)
    return -1;
  *type = buf[0];
  *payload_len = n;
  return len >= 8 + (size_t)n ? 1 : 0;
}

void
shim_attach_init (shim_attach_t *a)
{
  memset (a, 0, sizeof (*a));
  a->listen_fd = -1;
}

int
shim_attach_listen (shim_attach_t *a, const char *path, shim_error_t *err)
{
  struct sockaddr_un addr = { .sun_family = AF_UNIX };
  cleanup_close int fd = -1;
  mode_t old;
  int ret;

  if (strlen (path) >= sizeof (addr.sun_path))
    return shim_make_error (err, ENAMETOOLONG, "attach socket `%s`", path);
  strcpy (addr.sun_path, path);
  fd = socket (AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0)
    return shim_make_error (err, errno, "socket");
  if (unlink (path) < 0 && errno != ENOENT)
    return shim_make_error (err, errno, "removing the old attach socket `%s`", path);
  old = umask (0177);
  ret = bind (fd, (struct sockaddr *)&addr, sizeof (addr));
  umask (old);
  if (ret < 0)
    return shim_make_error (err, errno, "bind attach socket `%s`", path);
  if (chmod (path, 0600) < 0 || listen (fd, 16) < 0)
    return shim_make_error (err, errno, "attach socket `%s`", path);
  a->path = xstrdup (path);
  a->listen_fd = get_and_reset (&fd);
  return 0;
}

void
shim_attach_accept (shim_attach_t *a)
{
  int fd;

  while ((fd = accept4 (a->listen_fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC)) >= 0)
    {
      struct shim_attach_client_s *c;

      if (a->n_clients >= SHIM_ATTACH_MAX_CLIENTS)
        {
          close (fd);
          continue;
        }
      c = xmalloc0 (sizeof (*c));
      c->fd = fd;
      a->clients[a->n_clients++] = c;
    }
}

static void
drop (shim_attach_t *a, int i)
{
  struct shim_attach_client_s *c = a->clients[i];

  close (c->fd);
  free (c->out);
  free (c);
  a->clients[i] = a->clients[--a->n_clients];
  a->clients[a->n_clients] = NULL;
}

/* Returns -1 when the client had to be dropped. */
static int
flush_client (shim_attach_t *a, int i)
{
  struct shim_attach_client_s *c = a->clients[i];

  while (c->out_off < c->out_len)
    {
      ssize_t n = send (c->fd, c->out + c->out_off, c->out_len - c->out_off, MSG_NOSIGNAL | MSG_DONTWAIT);
      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
        return 0;
      if (n <= 0)
        {
          drop (a, i);
          return -1;
        }
      c->out_off += (size_t)n;
    }
  c->out_off = c->out_len = 0;
  return 0;
}

void
shim_attach_flush (shim_attach_t *a, int i)
{
  flush_client (a, i);
}

static void
queue (struct shim_attach_client_s *c, const void *data, size_t len)
{
  if (c->out_off > 0 && c->out_off == c->out_len)
    c->out_off = c->out_len = 0;
  if (c->out_len + len > c->out_size)
    {
      size_t n = c->out_size ? c->out_size : 16384;
      if (c->out_off > 0)
        {
          memmove (c->out, c->out + c->out_off, c->out_len - c->out_off);
          c->out_len -= c->out_off;
          c->out_off = 0;
        }
      while (n < c->out_len + len)
        n *= 2;
      if (n != c->out_size)
        {
          c->out = xrealloc (c->out, n);
          c->out_size = n;
        }
    }
  memcpy (c->out + c->out_len, data, len);
  c->out_len += len;
}

void
shim_attach_broadcast (shim_attach_t *a, int type, const char *data, size_t len)
{
  int i;

  while (len > 0)
    {
      size_t n = len > SHIM_ATTACH_MAX_PAYLOAD ? SHIM_ATTACH_MAX_PAYLOAD : len;
      unsigned char hdr[8];

      shim_attach_header (hdr, type, (uint32_t)n);
      for (i = 0; i < a->n_clients; i++)
        {
          queue (a->clients[i], hdr, 8);
          queue (a->clients[i], data, n);
        }
      data += n;
      len -= n;
    }
  for (i = a->n_clients - 1; i >= 0; i--)
    flush_client (a, i);
}

size_t
shim_attach_backlog (const shim_attach_t *a)
{
  size_t max = 0;
  int i;

  for (i = 0; i < a->n_clients; i++)
    if (a->clients[i]->out_len - a->clients[i]->out_off > max)
      max = a->clients[i]->out_len - a->clients[i]->out_off;
  return max;
}

/* Dispatches one complete frame; -1 = protocol error. */
static int
dispatch (int type, const unsigned char *p, uint32_t n, const struct shim_attach_handler_s *h)
{
  switch (type)
    {
    case SHIM_FRAME_STDIN:
      if (n > 0)
        h->on_stdin (h->data, (const char *)p, n);
      return 0;
    case SHIM_FRAME_CLOSE_STDIN:
      h->on_close_stdin (h->data);
      return 0;
    case SHIM_FRAME_RESIZE:
      if (n != 4)
        return -1;
      h->on_resize (h->data, ((unsigned)p[0] << 8) | p[1], ((unsigned)p[2] << 8) | p[3]);
      return 0;
    case SHIM_FRAME_RELEASE:
      h->on_release (h->data);
      return 0;
    default:
      return -1;
    }
}

void
shim_attach_read (shim_attach_t *a, int i, const struct shim_attach_handler_s *h)
{
  struct shim_attach_client_s *c = a->clients[i];
  ssize_t n;
  int type, r;
  uint32_t len;

  do
    n = recv (c->fd, c->in + c->in_len, sizeof (c->in) - c->in_len, MSG_DONTWAIT);
  while (n < 0 && errno == EINTR);
  if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
    return;
  if (n <= 0)
    {
      drop (a, i); /* EOF without "close stdin": a detach; the container's stdin stays open */
      return;
    }
  c->in_len += (size_t)n;
  while ((r = shim_attach_parse (c->in, c->in_len, &type, &len)) == 1)
    {
      if (dispatch (type, c->in + 8, len, h) < 0)
        break;
      memmove (c->in, c->in + 8 + len, c->in_len - 8 - len);
      c->in_len -= 8 + len;
    }
  if (r != 0)
    drop (a, i);
}

static long
now_ms (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_MONOTONIC, &ts);
  return ts.tv_sec * 1000L + ts.tv_nsec / 1000000L;
}

void
shim_attach_close (shim_attach_t *a, int deadline_ms)
{
  long end = now_ms () + deadline_ms;

  if (a->listen_fd >= 0) /* nobody new: the socket goes first */
    {
      close (a->listen_fd);
      a->listen_fd = -1;
      unlink (a->path);
    }
  while (a->n_clients > 0 && shim_attach_backlog (a) > 0 && now_ms () < end)
    {
      struct pollfd fds[SHIM_ATTACH_MAX_CLIENTS];
      int i;

      for (i = 0; i < a->n_clients; i++)
        fds[i] = (struct pollfd){ .fd = a->clients[i]->fd,
                                  .events = a->clients[i]->out_len > a->clients[i]->out_off ? POLLOUT : 0 };
      if (poll (fds, a->n_clients, (int)(end - now_ms ())) <= 0)
        break;
      for (i = a->n_clients - 1; i >= 0; i--)
        if (fds[i].revents)
          flush_client (a, i);
    }
  while (a->n_clients > 0)
    drop (a, a->n_clients - 1);
  free (a->path);
  a->path = NULL;
}
