/* namespaces.h -- which namespaces the container gets, and joining existing ones.
 *
 * Contract:
 *   - shim_namespaces_parse() reads OCI `linux.namespaces`: an entry without `path` adds its
 *     CLONE_NEW* flag to *clone_flags (created by clone(2)); an entry with `path` is recorded in
 *     joins[] and joined with setns(2).  Unknown types and duplicates are EINVAL errors.
 *   - shim_join_namespaces() runs in the shim before clone (a single-threaded process): the user
 *     namespace first (the others are then owned by it), then the rest.  The init inherits the
 *     joined namespaces; a joined pid namespace applies to the init (clone's child) only.
 *     A registered namespace holder (holder.h) is joined before anything else: the container's
 *     new user namespace becomes its child.
 *     Files the shim needs later (log, exit directory) are opened before this step.
 */
#ifndef SHIM_NAMESPACES_H
#define SHIM_NAMESPACES_H

#include <json-c/json.h>
#include "container.h"
#include "error.h"

int shim_namespaces_parse (json_object *namespaces, int *clone_flags, struct shim_ns_join_s *joins,
                           int *n_joins, int max_joins, shim_error_t *err);
int shim_join_namespaces (struct shim_ns_join_s *joins, int n_joins, shim_error_t *err);

#endif
