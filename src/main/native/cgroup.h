/* cgroup.h -- placing the container in a cgroup the daemon is allowed to use.
 *
 * Contract: only when the bundle's annotation `dev.skiff.cgroup.path` names a directory whose
 * cgroup.procs the shim can write (v2 delegation or a delegated v1 subtree).  Limits from
 * linux.resources (memory.limit, cpu.quota/period, pids.limit) are written first to the files the
 * directory has (v2 memory.max / cpu.max / pids.max, or the v1 names), then the pid to
 * cgroup.procs.  Without the annotation: nothing, and if resources were requested a warning line
 * ("resource limits ignored: no writable cgroup") on warn_fd, as rootless Podman warns.
 * Without the annotation but with linux.cgroupsPath (OCI command line): that path, absolute or
 * relative, below the root of the v2 hierarchy or of each v1 controller mount, is created (a new
 * v1 cpuset level inherits its parent's cpus/mems), limits written (also cpu.shares,
 * cpuset.cpus/mems, v1 devices rules), the pid joined; when the hierarchy is not writable, the
 * warning as above.
 */
#ifndef SHIM_CGROUP_H
#define SHIM_CGROUP_H

#include <sys/types.h>
#include <json-c/json.h>
#include "error.h"

int shim_set_cgroup (pid_t pid, json_object *spec, int warn_fd, shim_error_t *err);

/* Removes linux.cgroupsPath from every hierarchy (leaf first, then parents while empty). */
void shim_cgroup_remove (const char *path);

/* The file that counts the OOM kills of the container's memory cgroup (v2 memory.events, v1
   memory.oom_control), malloc'd; NULL without a cgroup.  Taken from the spec before it is freed. */
char *shim_cgroup_oom_file (json_object *spec);

/* Its `oom_kill` count after the container's init was reaped; -1 when there is none to read. */
long long shim_cgroup_oom_kills (const char *oom_file);

#endif
