/* userns.h -- the user namespace's uid_map / gid_map.
 *
 * Contract:
 *   - shim_id_maps_validate() checks `linux.uidMappings`/`gidMappings` before clone: each entry
 *     needs non-negative containerID/hostID and size >= 1 without 32-bit overflow; at most 340
 *     entries; mappings without a new user namespace (or a new one without mappings) are EINVAL.
 *   - shim_set_id_maps() runs in the SHIM (the parent) while the init waits: when the shim is
 *     root it writes /proc/PID/{uid,gid}_map itself; an unprivileged shim writes a map that is
 *     exactly its own id (size 1) itself, with "deny" in /proc/PID/setgroups first for the gid
 *     map, as the kernel requires; any other map goes through newuidmap/newgidmap (setuid
 *     helpers checking /etc/subuid, /etc/subgid).  Errors name the map ("setting uid_map: ...").
 */
#ifndef SHIM_USERNS_H
#define SHIM_USERNS_H

#include <sys/types.h>
#include <json-c/json.h>
#include "error.h"

int shim_id_maps_validate (json_object *spec, int new_userns, shim_error_t *err);
int shim_set_id_maps (pid_t pid, json_object *spec, shim_error_t *err);
int shim_run_id_helper (const char *helper, pid_t pid, const char *map_args, shim_error_t *err);
int shim_userns_fd_for_maps (const char *uids, const char *gids, shim_error_t *err);

#endif
