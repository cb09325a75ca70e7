/* cgroup.c -- joining a writable cgroup and writing limits (see cgroup.h). */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cgroup.h"
#include "spec.h"
#include "utils.h"

/* Writes value to dir/file when that file exists; returns 1 written, 0 absent, -1 error. */
static int
write_if_exists (const char *dir, const char *file, const char *value, shim_error_t *err)
{
  cleanup_free char *path = NULL;
  cleanup_close int fd = -1;

  xasprintf (&path, "%s/%s", dir, file);
  fd = open (path, O_WRONLY | O_CLOEXEC);
  if (fd < 0 && errno == ENOENT)
    return 0;
  if (fd < 0)
    return shim_make_error (err, errno, "open `%s`", path);
  if (shim_write_all (fd, value, strlen (value)) < 0)
    return shim_make_error (err, errno, "write `%s` to `%s`", value, path);
  return 1;
}

static int
set_limits (const char *dir, json_object *res, shim_error_t *err)
{
  json_object *mem = shim_spec_get (res, "memory.limit"), *pids = shim_spec_get (res, "pids.limit");
  json_object *quota = shim_spec_get (res, "cpu.quota"), *period = shim_spec_get (res, "cpu.period");
  char buf[64];
  int r;

  if (mem)
    {
      snprintf (buf, sizeof (buf), "%lld", (long long)json_object_get_int64 (mem));
      r = write_if_exists (dir, "memory.max", json_object_get_int64 (mem) < 0 ? "max" : buf, err);
      if (r == 0)
        r = write_if_exists (dir, "memory.limit_in_bytes", buf, err);
      if (r < 0)
        return -1;
    }
  if (pids)
    {
      snprintf (buf, sizeof (buf), "%lld", (long long)json_object_get_int64 (pids));
      if (write_if_exists (dir, "pids.max", json_object_get_int64 (pids) <= 0 ? "max" : buf, err) < 0)
        return -1;
    }
  if (quota)
    {
      long long q = json_object_get_int64 (quota), p = period ? json_object_get_int64 (period) : 100000;
      if (q > 0)
        snprintf (buf, sizeof (buf), "%lld %lld", q, p);
      else
        snprintf (buf, sizeof (buf), "max %lld", p);
      r = write_if_exists (dir, "cpu.max", buf, err);
      if (r == 0)
        {
          snprintf (buf, sizeof (buf), "%lld", p);
          if (write_if_exists (dir, "cpu.cfs_period_us", buf, err) < 0)
            return -1;
          snprintf (buf, sizeof (buf), "%lld", q > 0 ? q : -1);
          r = write_if_exists (dir, "cpu.cfs_quota_us", buf, err);
        }
      if (r < 0)
        return -1;
    }
  return 0;
}

int
shim_set_cgroup (pid_t pid, json_object *spec, int warn_fd, shim_error_t *err)
{
  json_object *ann = shim_spec_get (spec, "annotations"), *v = NULL;
  json_object *res = shim_spec_get (spec, "linux.resources");
  cleanup_free char *procs = NULL;
  const char *dir = NULL;
  char buf[32];

  if (ann && json_object_object_get_ex (ann, "dev.skiff.cgroup.path", &v))
    dir = json_object_get_string (v);
  if (dir)
    {
      xasprintf (&procs, "%s/cgroup.procs", dir);
      if (access (procs, W_OK) < 0)
        dir = NULL;
    }
  if (dir == NULL)
    {
      if (res
          && (shim_spec_get (res, "memory.limit") || shim_spec_get (res, "cpu.quota")
              || shim_spec_get (res, "pids.limit")))
        shim_warning_send (warn_fd, "resource limits ignored: no writable cgroup");
      return 0;
    }
  if (res && set_limits (dir, res, err) < 0)
    return shim_error_wrap (err, "cgroup");
  snprintf (buf, sizeof (buf), "%d", (int)pid);
  if (write_if_exists (dir, "cgroup.procs", buf, err) < 0)
    return shim_error_wrap (err, "cgroup");
  return 0;
}
