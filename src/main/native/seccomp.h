/* seccomp.h -- compiling, caching and loading the OCI `linux.seccomp` filter.
 *
 * Contract:
 *   - shim_seccomp_prepare() runs in the shim PARENT, before clone: it validates the profile
 *     (unknown action/op/syscall name, errnoRet on a non-ERRNO action, NOTIFY on `write`,
 *     NOTIFY without listenerPath are errors), compiles it with libseccomp and exports the
 *     classic BPF program.  The program is cached in cache_dir (may be NULL = no cache) under
 *     sha256(canonical profile JSON + libseccomp version + native arch); a second prepare of the
 *     same profile reads the cached program instead of compiling (~19 ms -> ~1 ms).
 *     linux_seccomp == NULL (no seccomp) gives *out = NULL.
 *   - Syscalls newer than this libseccomp return ENOSYS (not the profile's default errno) so libc
 *     falls back (clone3 -> clone): a BPF stub is prepended that, after the arch check, returns
 *     SECCOMP_RET_ERRNO|ENOSYS for a syscall number above the highest one libseccomp knows.
 *   - shim_set_seccomp() runs in the container init as the LAST step before execve.  It only calls
 *     seccomp(SECCOMP_SET_MODE_FILTER) on the prepared program (no allocation of note), and for a
 *     NOTIFY profile sends the listener fd with SCM_RIGHTS, plus the OCI state / listenerMetadata,
 *     to the unix socket at listenerPath.  prepare CONNECTS to listenerPath (a host path the init
 *     cannot reach after pivot_root); the init inherits that socket across clone, so it must not
 *     be closed before shim_set_seccomp (e.g. by a close-all-fds step) -- it is CLOEXEC and
 *     shim_set_seccomp closes it after sending.
 *
 * Build note: this header shares its name with libseccomp's <seccomp.h>.  Never put this directory
 * on the <...> search path (-I); use -iquote (or nothing: "..." finds the including file's own
 * directory first), or seccomp.c would include itself instead of libseccomp.
 *
 * Call order (and why): after shim_set_no_new_privs(1) when no_new_privs is on (loading then needs
 * no privilege); when it is off, BEFORE shim_set_caps() while CAP_SYS_ADMIN is still held (the
 * kernel refuses a filter without no_new_privs or CAP_SYS_ADMIN), as runc does.  Loading last
 * keeps the filter from affecting the shim's own setup syscalls.
 */
#ifndef SHIM_SECCOMP_H
#define SHIM_SECCOMP_H

#include <json-c/json.h>
#include "error.h"

typedef struct shim_seccomp_s shim_seccomp_t;

int shim_seccomp_prepare (json_object *linux_seccomp /* may be NULL -> *out = NULL */,
                          const char *cache_dir /* may be NULL */, shim_seccomp_t **out, shim_error_t *err);
int shim_set_seccomp (shim_seccomp_t *s /* NULL = nothing to do */, shim_error_t *err);
void shim_seccomp_free (shim_seccomp_t *s);

/* Optional, NOTIFY profiles only: the OCI state ({"ociVersion","id","status":"creating","pid":
   <host pid>,"bundle","annotations"}) sent to the listener as "state" (its pid also as the
   top-level "pid").  Copied.  Without it a minimal state with getpid() is sent.  Call it in the
   init before shim_set_seccomp (e.g. once the parent told the init its host pid).  Returns 0. */
int shim_seccomp_set_oci_state (shim_seccomp_t *s, json_object *state);

#endif
