/* caps.h -- the five capability sets of the container process and no_new_privs.
 *
 * Contract:
 *   - shim_caps_parse() reads OCI `process.capabilities` (NULL = no capabilities at all, every
 *     set empty).  A name that is not a capability (e.g. "CAP_FOO") is an error naming it, as the
 *     OCI runtime-spec requires.  A real capability that this kernel lacks (above
 *     /proc/sys/kernel/cap_last_cap) is skipped with a warning line sent to warn_fd with
 *     shim_warning_send() (warn_fd < 0: no warning).  Names are case-sensitive "CAP_*".
 *   - Raw capset(2)/prctl(2) syscalls (64-bit _LINUX_CAPABILITY_VERSION_3), no libcap.
 *
 * Call order inside the container init (and why):
 *   1. shim_set_caps_bounding()  -- PR_CAPBSET_DROP for every cap not in the bounding set and
 *                                   PR_SET_KEEPCAPS(1).  Dropping needs CAP_SETPCAP, so it must run
 *                                   while still uid 0 with full caps; KEEPCAPS must be set before
 *                                   the uid switch or the kernel clears permitted caps.
 *   2. setgroups / setresgid / setresuid  (caller)
 *   3. shim_set_caps()           -- capset(effective, permitted, inheritable), then ambient
 *                                   (PR_CAP_AMBIENT_CLEAR_ALL, RAISE each), then PR_SET_KEEPCAPS(0).
 *                                   Ambient raise requires the cap in permitted and inheritable,
 *                                   hence after capset.
 *   4. shim_set_no_new_privs()   -- PR_SET_NO_NEW_PRIVS when enabled; required before loading a
 *                                   seccomp filter without CAP_SYS_ADMIN.
 */
#ifndef SHIM_CAPS_H
#define SHIM_CAPS_H

#include <json-c/json.h>
#include "error.h"

typedef struct shim_caps_s shim_caps_t;

int shim_caps_parse (json_object *process_capabilities /* may be NULL */, shim_caps_t **out, int warn_fd,
                     shim_error_t *err);
void shim_caps_free (shim_caps_t *caps);
int shim_set_caps_bounding (const shim_caps_t *caps, shim_error_t *err);
int shim_set_caps (const shim_caps_t *caps, shim_error_t *err);
int shim_set_no_new_privs (int enabled, shim_error_t *err);

#endif
