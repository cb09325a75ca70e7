/* supervise.h -- the shim's monitor half, once the container process runs.
 *
 * Contract: shim_supervise() loops on a signalfd (SIGCHLD and the forwarded signals), the
 * container's output (stdout/stderr pipes, or the terminal's master), the attach socket and its
 * clients (attach.h) and the container's stdin (a pipe with --stdin, or the terminal):
 *   - output goes to log_fd (log.h; a terminal's output is "stdout") and to every attach client;
 *   - stdin bytes from attach clients are queued (bounded: clients are not read while the queue
 *     is full) and written to the stdin pipe or the terminal; "close stdin" closes the pipe once
 *     the queue is written (a terminal has no EOF: it is ignored there); resize frames set the
 *     terminal's size (ignored without a terminal, as conmon does);
 *   - SIGTERM/SIGINT/SIGHUP/SIGUSR1/SIGUSR2 sent to the shim are forwarded to the container
 *     process; every child is reaped;
 *   - with opts->hold_output the output is not read (it waits in the pipe or the terminal) until
 *     an attach client sends "release" or SHIM_HOLD_MS pass: a client that attaches before the
 *     start (podman run, docker run) misses nothing, and nobody attaching cannot block the
 *     container for long.
 * When the container process exits (and the hold is over), readable output is drained (whatever
 * is readable without blocking: an orphan holding the pipes cannot keep the shim alive), the exit
 * file is written atomically (temp + rename in the same directory):
 *   {"exitCode":N,"signal":S,"oom":false,"finishedAt":"<RFC3339Nano>"}
 * then the queued frames are sent (for up to 5 s), the clients closed and the socket unlinked.
 * exitCode is 128+S when the process was killed by signal S (S is 0 otherwise).
 * Memory: the output read buffer, the record buffer (log.h) and the stdin queue are .bss arrays
 * whose pages are given back (MADV_DONTNEED) once the loop has been idle SHIM_TRIM_IDLE_MS after
 * some activity (the stdin queue only when empty); opts->trim is called at start and then too.
 * The caller blocks SHIM_SUPERVISED_SIGNALS (shim_block_signals) before cloning the init.
 */
#ifndef SHIM_SUPERVISE_H
#define SHIM_SUPERVISE_H

#include <signal.h>
#include "attach.h"
#include "container.h"
#include "error.h"

#define SHIM_HOLD_MS 10000

struct shim_supervise_opts_s
{
  int log_fd;
  const char *exit_file;
  shim_attach_t *attach; /* listen_fd -1: no attach socket */
  int hold_output;
  const char *oom_file; /* the memory cgroup's OOM-kill counter (cgroup.h), NULL = none */
  /* when set: called once the loop has waited SHIM_TRIM_IDLE_MS with nothing to do after some
     activity (handover.h: unmaps the binary's read-only pages the activity faulted in) */
  void (*trim) (void);
};

#define SHIM_TRIM_IDLE_MS 1000

int shim_block_signals (sigset_t *old, shim_error_t *err);
int shim_supervise (shim_container_t *c, const struct shim_supervise_opts_s *opts, shim_error_t *err);

/* Pure: the exit file's JSON for a wait status (tests). */
int shim_format_exit_status (int wait_status, const struct timespec *finished, char *buf, size_t size);
/* The same with the memory cgroup's OOM-kill count: > 0 adds "oom":true and "oomKills":N (older
   files, and containers without a memory cgroup, have "oom":false and no oomKills). */
int shim_format_exit_status_oom (int wait_status, const struct timespec *finished, long long oom_kills, char *buf,
                                 size_t size);

#endif
