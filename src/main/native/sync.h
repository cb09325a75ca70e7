/* sync.h -- the JSON lines the shim sends the daemon on _SKIFF_SYNC_FD, and reading the init's
 * error back.
 *
 * Contract (docs/shim-protocol.md): zero or more {"warning":"..."} lines, then exactly one of
 * {"pid":N} (the container process exec'd) or {"errno":E,"message":"<step>: <detail>"}; then the
 * shim closes the fd.  shim_sync_read_init_error() reads the init's CLOEXEC error pipe to EOF:
 * returns 0 when it was empty (execve succeeded), or -1 with *err rebuilt from the line the init
 * sent (same errno, same message).
 */
#ifndef SHIM_SYNC_H
#define SHIM_SYNC_H

#include <sys/types.h>
#include "error.h"

int shim_sync_send_pid (int fd, pid_t pid, shim_error_t *err);
int shim_sync_read_init_error (int fd, shim_error_t *err);

#endif
