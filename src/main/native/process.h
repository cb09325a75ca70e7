/* process.h -- the container process's own attributes, set in the init after pivot_root.
 *
 * Contract (each a setup step, called in container.c's order):
 *   - shim_set_hostname(): needs a UTS namespace of the container's own (EINVAL otherwise).
 *   - shim_set_sysctl(): writes each `linux.sysctl` key ("net.ipv4.ip_forward") to /proc/sys/...;
 *     runs before the read-only paths make /proc/sys read-only.
 *   - shim_rlimits_validate(): unknown names are EINVAL (before clone).  shim_set_rlimits():
 *     setrlimit each; a hard limit above the shim's own one that the kernel refuses is an error
 *     naming the limit and both values.
 *   - shim_set_user(): setgroups(additionalGids) / setresgid / setresuid + umask.  With no
 *     additional gids in a user namespace whose setgroups is "deny", setgroups is skipped.
 *   - shim_set_close_fds(): marks every fd above 2 close-on-exec (close_range CLOEXEC), so no shim
 *     fd (pipes, the host's directories) reaches the container (CVE-2024-21626) while the CLOEXEC
 *     error pipe and a seccomp listener socket still work until execve.
 *   - shim_exec(): PATH lookup in the container's env like runc (default PATH when unset), then
 *     execve.  Returns only on failure: ENOENT "executable file not found in $PATH", EACCES, or
 *     execve's errno.
 */
#ifndef SHIM_PROCESS_H
#define SHIM_PROCESS_H

#include <sys/types.h>
#include <json-c/json.h>
#include "error.h"

int shim_set_hostname (const char *hostname, int has_uts_ns, shim_error_t *err);
int shim_set_domainname (const char *domainname, int has_uts_ns, shim_error_t *err);
/* process.oomScoreAdj -> /proc/PID/oom_score_adj, written by the SHIM right after clone: the
   init, once its credentials change in the user namespace, is not dumpable and cannot open its
   own /proc files.  Lowering it below the shim's value needs CAP_SYS_RESOURCE (EACCES). */
int shim_set_oom_score_adj (pid_t pid, json_object *adj, shim_error_t *err);
int shim_set_sysctl (json_object *sysctl, shim_error_t *err);
int shim_rlimits_validate (json_object *rlimits, shim_error_t *err);
int shim_set_rlimits (json_object *rlimits, shim_error_t *err);
int shim_set_user (json_object *user, shim_error_t *err);
int shim_set_cwd (const char *cwd, shim_error_t *err);
int shim_set_close_fds (shim_error_t *err);
int shim_exec (json_object *process, shim_error_t *err);
/* The PATH lookup of shim_exec alone (OCI create reports it before waiting for `start`). */
int shim_exec_resolve (json_object *process, char **path, shim_error_t *err);

/* Pure: finds file in the colon-separated path list; returns a heap path or NULL with errno
   ENOENT (nothing) or EACCES (only non-executable candidates). */
char *shim_find_executable (const char *file, const char *path);

#endif
