/* console.h -- the container's terminal (process.terminal: true), crun/runc style.
 *
 * Contract:
 *   - shim_console_setup() runs in the container process itself (the run init after pivot_root,
 *     or the exec child after joining the namespaces), before its credentials change: it opens
 *     /dev/ptmx -- the container's own devpts instance, so the slave is visible in the container's
 *     /dev/pts and ttyname() works -- unlocks it, opens the slave (TIOCGPTPEER), gives the slave
 *     to process.user.uid, applies the initial size (process.consoleSize or the size the shim got
 *     with --console-size), calls setsid() and makes the slave its controlling terminal
 *     (TIOCSCTTY) and its stdin/stdout/stderr.  It sends the master to the shim over sock_fd with
 *     SCM_RIGHTS (one byte 'T' as payload) and closes its copy.
 *   - shim_console_receive() is the shim's half: returns the master fd (CLOEXEC), or -1 with
 *     ECONNRESET in *err when the peer closed the socket without sending one (the process failed
 *     before; its error is on the error pipe).
 *   - shim_console_resize() sets the window size of the master (TIOCSWINSZ); the kernel sends
 *     SIGWINCH to the terminal's foreground process group.
 */
#ifndef SHIM_CONSOLE_H
#define SHIM_CONSOLE_H

#include <json-c/json.h>
#include "error.h"

struct shim_console_size_s
{
  unsigned short rows, cols; /* 0 x 0 = not given */
};

/* Parses "ROWSxCOLS" (e.g. "24x80"); -1 when malformed. */
int shim_console_parse_size (const char *s, struct shim_console_size_s *size);

int shim_console_setup (json_object *process, const struct shim_console_size_s *size, int sock_fd,
                        shim_error_t *err);
int shim_console_receive (int sock_fd, shim_error_t *err);
int shim_console_resize (int master_fd, unsigned short rows, unsigned short cols, shim_error_t *err);

#endif
