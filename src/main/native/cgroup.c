/* cgroup.c -- joining a writable cgroup and writing limits (see cgroup.h). */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
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

/* One linux.resources.devices rule as a v1 devices.allow/deny line: "c 10:229 rwm". */
static void
device_rule (json_object *d, char *buf, size_t size, int *allow)
{
  json_object *v;
  const char *type = "a", *access = "rwm";
  char major[24] = "*", minor[24] = "*";

  *allow = json_object_object_get_ex (d, "allow", &v) && json_object_get_boolean (v);
  if (json_object_object_get_ex (d, "type", &v) && json_object_get_string (v)[0])
    type = json_object_get_string (v);
  if (json_object_object_get_ex (d, "major", &v) && v && json_object_get_int64 (v) >= 0)
    snprintf (major, sizeof (major), "%lld", (long long)json_object_get_int64 (v));
  if (json_object_object_get_ex (d, "minor", &v) && v && json_object_get_int64 (v) >= 0)
    snprintf (minor, sizeof (minor), "%lld", (long long)json_object_get_int64 (v));
  if (json_object_object_get_ex (d, "access", &v) && json_object_get_string (v)[0])
    access = json_object_get_string (v);
  snprintf (buf, size, "%s %s:%s %s", type, major, minor, access);
}

/* v1 devices controller: the spec's rules in order, then the devices every container gets
   (null zero full random urandom tty, console, ptmx, pts), as runc adds them.  Only in the
   directory that has devices.allow (v2 would need an eBPF program: not done). */
static int
set_devices (const char *dir, json_object *devices, shim_error_t *err)
{
  static const char *const defaults[] = { "c 1:3 rwm", "c 1:5 rwm", "c 1:7 rwm", "c 1:8 rwm",  "c 1:9 rwm",
                                          "c 5:0 rwm", "c 5:1 rwm", "c 5:2 rwm", "c 136:* rwm" };
  cleanup_free char *allow_file = NULL;
  size_t i, n = json_object_array_length (devices);
  char buf[128];
  int allow;

  xasprintf (&allow_file, "%s/devices.allow", dir);
  if (n == 0 || access (allow_file, F_OK) < 0)
    return 0;
  for (i = 0; i < n; i++)
    {
      device_rule (json_object_array_get_idx (devices, i), buf, sizeof (buf), &allow);
      if (write_if_exists (dir, allow ? "devices.allow" : "devices.deny", buf, err) < 0)
        return -1;
    }
  for (i = 0; i < sizeof (defaults) / sizeof (defaults[0]); i++)
    if (write_if_exists (dir, "devices.allow", defaults[i], err) < 0)
      return -1;
  return 0;
}

static int
set_limits (const char *dir, json_object *res, shim_error_t *err)
{
  json_object *mem = shim_spec_get (res, "memory.limit"), *pids = shim_spec_get (res, "pids.limit");
  json_object *quota = shim_spec_get (res, "cpu.quota"), *period = shim_spec_get (res, "cpu.period");
  json_object *shares = shim_spec_get (res, "cpu.shares"), *cpus = shim_spec_get (res, "cpu.cpus");
  json_object *mems = shim_spec_get (res, "cpu.mems"), *devices = shim_spec_get (res, "devices");
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
  if (devices && json_object_is_type (devices, json_type_array) && set_devices (dir, devices, err) < 0)
    return -1;
  if (shares)
    {
      snprintf (buf, sizeof (buf), "%lld", (long long)json_object_get_int64 (shares));
      if (write_if_exists (dir, "cpu.shares", buf, err) < 0)
        return -1;
    }
  if ((cpus && write_if_exists (dir, "cpuset.cpus", json_object_get_string (cpus), err) < 0)
      || (mems && write_if_exists (dir, "cpuset.mems", json_object_get_string (mems), err) < 0))
    return -1;
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

/* The directories a linux.cgroupsPath lives under: the v2 root, or each v1 controller mount
   (cpu and cpuacct may be one hierarchy under two names: the second mkdir finds it). */
static const char *const v1_controllers[]
    = { "cpu", "cpuacct", "cpuset", "memory", "pids", "blkio", "devices", "freezer", "net_cls", "hugetlb" };

static int
cgroup_bases (char **bases, size_t max)
{
  size_t i, n = 0;

  if (access ("/sys/fs/cgroup/cgroup.controllers", F_OK) == 0)
    {
      bases[n++] = xstrdup ("/sys/fs/cgroup");
      return (int)n;
    }
  for (i = 0; i < sizeof (v1_controllers) / sizeof (v1_controllers[0]) && n < max; i++)
    {
      cleanup_free char *procs = NULL;
      xasprintf (&procs, "/sys/fs/cgroup/%s/cgroup.procs", v1_controllers[i]);
      if (access (procs, F_OK) == 0)
        xasprintf (&bases[n++], "/sys/fs/cgroup/%s", v1_controllers[i]);
    }
  return (int)n;
}

/* A v1 cpuset directory starts with empty cpus/mems (no task may join): copy the parent's. */
static int
inherit_cpuset (const char *dir, shim_error_t *err)
{
  static const char *const files[] = { "cpuset.cpus", "cpuset.mems" };
  size_t i;

  for (i = 0; i < 2; i++)
    {
      cleanup_free char *parent = NULL;
      cleanup_close int fd = -1;
      char buf[4096];
      ssize_t n;

      xasprintf (&parent, "%s/../%s", dir, files[i]);
      fd = open (parent, O_RDONLY | O_CLOEXEC);
      if (fd < 0)
        return errno == ENOENT ? 0 : shim_make_error (err, errno, "open `%s`", parent);
      n = shim_read_all (fd, buf, sizeof (buf) - 1);
      if (n < 0)
        return shim_make_error (err, errno, "read `%s`", parent);
      buf[n] = '\0';
      if (n > 0 && write_if_exists (dir, files[i], buf, err) < 0)
        return -1;
    }
  return 0;
}

/* mkdir -p BASE/PATH; returns 1 when BASE is not writable for us (EACCES, EPERM, EROFS). */
static int
make_cgroup_dir (const char *base, const char *path, char **out, shim_error_t *err)
{
  char *dir, *p;

  xasprintf (&dir, "%s/%s", base, path);
  for (p = dir + strlen (base) + 1;; p++)
    if (*p == '/' || *p == '\0')
      {
        char c = *p;
        *p = '\0';
        if (mkdir (dir, 0755) == 0)
          {
            if (inherit_cpuset (dir, err) < 0)
              {
                free (dir);
                return -1;
              }
          }
        else if (errno != EEXIST)
          {
            int e = errno;
            free (dir);
            if (e == EACCES || e == EPERM || e == EROFS)
              return 1;
            return shim_make_error (err, e, "mkdir `%s/%s`", base, path);
          }
        *p = c;
        if (c == '\0')
          break;
      }
  *out = dir;
  return 0;
}

/* linux.cgroupsPath: absolute or relative, both taken below the hierarchy root (so the same
   value always means the same place); ".." is refused. */
static int
check_cgroups_path (const char *path, shim_error_t *err)
{
  const char *p = path;

  while (*p == '/')
    p++;
  if (*p == '\0' || strstr (path, "/../") || strncmp (p, "../", 3) == 0 || strcmp (p, "..") == 0
      || (strlen (p) >= 3 && strcmp (p + strlen (p) - 3, "/..") == 0))
    return shim_make_error (err, EINVAL, "invalid linux.cgroupsPath `%s`", path);
  return 0;
}

/* Creates linux.cgroupsPath in every hierarchy, writes the limits, then the pid; 1 when the
   hierarchy is not ours to write (rootless without delegation). */
static int
join_cgroups_path (pid_t pid, const char *path, json_object *res, shim_error_t *err)
{
  char *bases[16];
  int i, n = cgroup_bases (bases, 16), ret = 0;
  char buf[32];

  if (check_cgroups_path (path, err) < 0)
    n = 0, ret = -1;
  while (*path == '/')
    path++;
  snprintf (buf, sizeof (buf), "%d", (int)pid);
  for (i = 0; i < n; i++)
    {
      cleanup_free char *dir = NULL;
      if (ret == 0)
        ret = make_cgroup_dir (bases[i], path, &dir, err);
      if (ret == 0 && res && set_limits (dir, res, err) < 0)
        ret = -1;
      if (ret == 0 && write_if_exists (dir, "cgroup.procs", buf, err) < 0)
        ret = -1;
      free (bases[i]);
    }
  return ret;
}

void
shim_cgroup_remove (const char *path)
{
  char *bases[16];
  int i, n = path && path[0] ? cgroup_bases (bases, 16) : 0;

  for (i = 0; i < n; i++)
    {
      cleanup_free char *dir = NULL;
      char *p;

      while (*path == '/')
        path++;
      xasprintf (&dir, "%s/%s", bases[i], path);
      /* the leaf, then each parent the container's path created, while empty */
      while (strlen (dir) > strlen (bases[i]) && rmdir (dir) == 0 && (p = strrchr (dir, '/')) != NULL)
        *p = '\0';
      free (bases[i]);
    }
}

int
shim_set_cgroup (pid_t pid, json_object *spec, int warn_fd, shim_error_t *err)
{
  json_object *ann = shim_spec_get (spec, "annotations"), *v = NULL;
  json_object *res = shim_spec_get (spec, "linux.resources");
  cleanup_free char *procs = NULL;
  const char *dir = NULL, *path;
  char buf[32];

  if (ann && json_object_object_get_ex (ann, "dev.skiff.cgroup.path", &v))
    dir = json_object_get_string (v);
  if (dir)
    {
      xasprintf (&procs, "%s/cgroup.procs", dir);
      if (access (procs, W_OK) < 0)
        dir = NULL;
    }
  if (dir == NULL && (path = shim_spec_get_string (spec, "linux.cgroupsPath")) != NULL && path[0])
    {
      int ret = join_cgroups_path (pid, path, res, err);
      if (ret < 0)
        return shim_error_wrap (err, "linux.cgroupsPath");
      if (ret == 0)
        return 0;
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
