/* spec.h -- reading the OCI runtime-spec config.json and translating its pieces.
 *
 * Contract: pure translation, no side effects on the host (the TAP tests call these directly).
 *   - shim_spec_load() parses DIR/config.json with json-c; the caller owns the object.
 *   - shim_spec_get() walks a dotted path ("linux.namespaces"); NULL when absent.
 *   - shim_namespace_flag() maps an OCI namespace type to its CLONE_NEW* flag, -1 if unknown.
 *   - shim_rlimit_resource() maps "RLIMIT_NOFILE" to RLIMIT_NOFILE, -1 if unknown.
 *   - shim_mount_options_parse() turns OCI mount options into mount(2) flags, the propagation
 *     flags to apply afterwards, and the fs data string (unknown options go to data, as runc does).
 */
#ifndef SHIM_SPEC_H
#define SHIM_SPEC_H

#include <json-c/json.h>
#include "error.h"

struct shim_mount_opts_s
{
  unsigned long flags;       /* MS_* to set (MS_BIND, MS_RDONLY, MS_NOSUID, ...) */
  unsigned long clear;       /* MS_* explicitly cleared (rw, suid, dev, exec, ...) */
  unsigned long propagation; /* MS_PRIVATE / MS_SLAVE / MS_SHARED / MS_UNBINDABLE (| MS_REC) */
  int recursive;             /* rbind */
  char *data;                /* comma-joined fs-specific options, heap, may be NULL */
};
typedef struct shim_mount_opts_s shim_mount_opts_t;

int shim_spec_load (const char *bundle, json_object **out, shim_error_t *err);
json_object *shim_spec_get (json_object *root, const char *dotted_path);
const char *shim_spec_get_string (json_object *root, const char *dotted_path);

int shim_namespace_flag (const char *type);
int shim_rlimit_resource (const char *name);
int shim_mount_options_parse (json_object *options /* array or NULL */, shim_mount_opts_t *out,
                              shim_error_t *err);
void shim_mount_opts_free (shim_mount_opts_t *o);

#endif
