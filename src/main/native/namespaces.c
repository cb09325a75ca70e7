/* namespaces.c -- namespace list parsing and setns (see namespaces.h). */
#define _GNU_SOURCE
#include <fcntl.h>
#include <sched.h>
#include <string.h>
#include <unistd.h>

#include "holder.h"
#include "namespaces.h"
#include "spec.h"
#include "utils.h"

int
shim_namespaces_parse (json_object *namespaces, int *clone_flags, struct shim_ns_join_s *joins, int *n_joins,
                       int max_joins, shim_error_t *err)
{
  int seen = 0;
  size_t i, n;

  *clone_flags = 0;
  *n_joins = 0;
  if (namespaces == NULL)
    return 0;
  if (!json_object_is_type (namespaces, json_type_array))
    return shim_make_error (err, EINVAL, "linux.namespaces is not an array");
  n = json_object_array_length (namespaces);
  for (i = 0; i < n; i++)
    {
      json_object *ns = json_object_array_get_idx (namespaces, i);
      const char *type = shim_spec_get_string (ns, "type");
      const char *path = shim_spec_get_string (ns, "path");
      int flag = shim_namespace_flag (type);

      if (flag < 0 && type && strcmp (type, "time") == 0)
        return shim_make_error (err, ENOTSUP, "linux.namespaces[%zu]: namespace type `time` is not supported",
                                i);
      if (flag < 0)
        return shim_make_error (err, EINVAL, "linux.namespaces[%zu]: unknown namespace type `%s`", i,
                                type ? type : "(missing)");
      if (seen & flag)
        return shim_make_error (err, EINVAL, "linux.namespaces[%zu]: duplicate namespace type `%s`", i, type);
      seen |= flag;
      if (path && path[0])
        {
          if (*n_joins >= max_joins)
            return shim_make_error (err, E2BIG, "too many namespaces to join");
          joins[*n_joins].flag = flag;
          joins[*n_joins].path = xstrdup (path);
          (*n_joins)++;
        }
      else
        *clone_flags |= flag;
    }
  return 0;
}

static int
join_one (const struct shim_ns_join_s *j, shim_error_t *err)
{
  cleanup_close int fd = open (j->path, O_RDONLY | O_CLOEXEC);

  if (fd < 0)
    return shim_make_error (err, errno, "open namespace `%s`", j->path);
  if (setns (fd, j->flag) < 0)
    return shim_make_error (err, errno, "setns `%s`", j->path);
  return 0;
}

int
shim_join_namespaces (struct shim_ns_join_s *joins, int n_joins, shim_error_t *err)
{
  int i;

  if (shim_holder_join (err) < 0) /* registered only when a new user namespace is cloned */
    return -1;
  for (i = 0; i < n_joins; i++)
    if (joins[i].flag == CLONE_NEWUSER && join_one (&joins[i], err) < 0)
      return -1;
  for (i = 0; i < n_joins; i++)
    if (joins[i].flag != CLONE_NEWUSER && join_one (&joins[i], err) < 0)
      return -1;
  return 0;
}
