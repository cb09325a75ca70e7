/* exec.h -- `skiff-shim exec`: a new process in a running container.
 *
 * Contract: shim_exec_start() starts the process described by c->spec's "process" (the --process
 * file) inside the namespaces of the running container process `target`:
 *   - a helper child opens /proc/TARGET/ns/{user,mnt,...}, joins every namespace that differs from the shim's
 *     own -- the user namespace first (it then holds every capability needed for the others),
 *     the pid namespace last -- then clones the process with CLONE_PARENT, so that the SHIM is
 *     its parent and reaps it, and exits;
 *   - the process runs shim_process_setup_and_exec() (rlimits, MAC, cwd, fds, seccomp of the
 *     bundle, capabilities, user, no_new_privs, execve), reporting failure on the same CLOEXEC
 *     error pipe as the run init;
 *   - the cgroup of the bundle's annotation is joined like for `run`.
 * On success c->pid and c->out_fd[1..2] are set as by shim_container_start().
 */
#ifndef SHIM_EXEC_H
#define SHIM_EXEC_H

#include <signal.h>
#include <sys/types.h>
#include "container.h"
#include "error.h"

int shim_exec_start (shim_container_t *c, pid_t target, const sigset_t *child_mask, int warn_fd,
                     shim_error_t *err);

#endif
