/* supervise.h -- the shim's monitor half, once the container process runs.
 *
 * Contract: shim_supervise() loops on a signalfd (SIGCHLD and the forwarded signals) and the
 * container's stdout/stderr pipes: output goes to log_fd (log.h, one write per 64 KiB read);
 * SIGTERM/SIGINT/SIGHUP/SIGUSR1/SIGUSR2 sent to the shim are forwarded to the container process;
 * every child is reaped.  When the container process exits, the pipes are drained (whatever is
 * readable without blocking: an orphan holding them cannot keep the shim alive), and the exit
 * file is written atomically (temp + rename in the same directory):
 *   {"exitCode":N,"signal":S,"oom":false,"finishedAt":"<RFC3339Nano>"}
 * exitCode is 128+S when the process was killed by signal S (S is 0 otherwise).
 * The caller blocks SHIM_SUPERVISED_SIGNALS (shim_block_signals) before cloning the init.
 */
#ifndef SHIM_SUPERVISE_H
#define SHIM_SUPERVISE_H

#include <signal.h>
#include "container.h"
#include "error.h"

int shim_block_signals (sigset_t *old, shim_error_t *err);
int shim_supervise (shim_container_t *c, int log_fd, const char *exit_file, shim_error_t *err);

/* Pure: the exit file's JSON for a wait status (tests). */
int shim_format_exit_status (int wait_status, const struct timespec *finished, char *buf, size_t size);

#endif
