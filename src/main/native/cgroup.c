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

/* Writes the number n to the first of the files (v2 name, then v1) that DIR has. */
static int
write_number (const char *dir, const char *v2, const char *v1, long long n, shim_error_t *err)
{
  char buf[32];
  int r;

  snprintf (buf, sizeof (buf), "%lld", n);
  r = v2 ? write_if_exists (dir, v2, n < 0 ? "max" : buf, err) : 0;
  if (r == 0 && v1)
    r = write_if_exists (dir, v1, buf, err);
  return r < 0 ? -1 : 0;
}

static int
set_memory (const char *dir, json_object *res, shim_error_t *err)
{
  json_object *mem = shim_spec_get (res, "memory.limit"), *swap = shim_spec_get (res, "memory.swap");
  json_object *reservation = shim_spec_get (res, "memory.reservation");
  cleanup_free char *v2_swap = NULL;
  long long limit = mem ? json_object_get_int64 (mem) : 0;

  if (mem && write_number (dir, "memory.max", "memory.limit_in_bytes", limit, err) < 0)
    return -1;
  if (reservation && write_number (dir, "memory.low", "memory.soft_limit_in_bytes",
                                   json_object_get_int64 (reservation), err) < 0)
    return -1;
  if (swap)
    {
      /* OCI memory.swap is memory + swap (v1 memsw); v2's memory.swap.max counts swap alone */
      long long s = json_object_get_int64 (swap);
      xasprintf (&v2_swap, "%s/memory.swap.max", dir);
      if (access (v2_swap, F_OK) == 0)
        return write_number (dir, "memory.swap.max", NULL, s < 0 ? -1 : (s > limit ? s - limit : 0), err);
      return write_number (dir, NULL, "memory.memsw.limit_in_bytes", s, err);
    }
  return 0;
}

static int
set_cpu (const char *dir, json_object *res, shim_error_t *err)
{
  json_object *quota = shim_spec_get (res, "cpu.quota"), *period = shim_spec_get (res, "cpu.period");
  json_object *shares = shim_spec_get (res, "cpu.shares");
  long long q = quota ? json_object_get_int64 (quota) : -1, p = period ? json_object_get_int64 (period) : 100000;
  char buf[64];
  int r;

  if (shares)
    {
      long long v = json_object_get_int64 (shares);
      /* v2 cpu.weight from v1 shares, as crun converts: [2, 262144] -> [1, 10000] */
      if (write_number (dir, "cpu.weight", NULL, 1 + ((v - 2) * 9999) / 262142, err) < 0
          || write_number (dir, NULL, "cpu.shares", v, err) < 0)
        return -1;
    }
  if (!quota && !period)
    return 0;
  if (q > 0)
    snprintf (buf, sizeof (buf), "%lld %lld", q, p);
  else
    snprintf (buf, sizeof (buf), "max %lld", p);
  r = write_if_exists (dir, "cpu.max", buf, err);
  if (r == 0)
    {
      if (write_number (dir, NULL, "cpu.cfs_period_us", p, err) < 0)
        return -1;
      r = quota ? write_number (dir, NULL, "cpu.cfs_quota_us", q > 0 ? q : -1, err) : 0;
    }
  return r < 0 ? -1 : 0;
}

static int
set_limits (const char *dir, json_object *res, shim_error_t *err)
{
  json_object *pids = shim_spec_get (res, "pids.limit"), *weight = shim_spec_get (res, "blockIO.weight");
  json_object *cpus = shim_spec_get (res, "cpu.cpus"), *mems = shim_spec_get (res, "cpu.mems");
  json_object *devices = shim_spec_get (res, "devices");

  if (set_memory (dir, res, err) < 0)
    return -1;
  if (pids && write_number (dir, "pids.max", NULL, json_object_get_int64 (pids) <= 0 ? -1 : json_object_get_int64 (pids), err) < 0)
    return -1;
  if (devices && json_object_is_type (devices, json_type_array) && set_devices (dir, devices, err) < 0)
    return -1;
  if (set_cpu (dir, res, err) < 0)
    return -1;
  if ((cpus && write_if_exists (dir, "cpuset.cpus", json_object_get_string (cpus), err) < 0)
      || (mems && write_if_exists (dir, "cpuset.mems", json_object_get_string (mems), err) < 0))
    return -1;
  if (weight
      && (write_number (dir, "io.bfq.weight", "blkio.weight", json_object_get_int64 (weight), err) < 0
          || write_number (dir, NULL, "blkio.bfq.weight", json_object_get_int64 (weight), err) < 0))
    return -1;
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

/* cgroup v2: a child gets a controller's files only when its parent lists the controller in
   cgroup.subtree_control.  Each one separately, errors ignored (a controller the parent lacks
   leaves its limit file absent, which set_limits reports). */
static void
enable_v2_controllers (const char *parent)
{
  static const char *const wanted[] = { "+cpu", "+cpuset", "+memory", "+pids", "+io" };
  cleanup_free char *control = NULL;
  size_t i;

  xasprintf (&control, "%s/cgroup.subtree_control", parent);
  if (access (control, W_OK) < 0)
    return;
  for (i = 0; i < sizeof (wanted) / sizeof (wanted[0]); i++)
    {
      cleanup_close int fd = open (control, O_WRONLY | O_CLOEXEC);
      if (fd >= 0 && shim_write_all (fd, wanted[i], strlen (wanted[i])) < 0)
        continue;
    }
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
        char c = *p, *slash;
        *p = '\0';
        if ((slash = strrchr (dir, '/')) != NULL && access ("/sys/fs/cgroup/cgroup.controllers", F_OK) == 0)
          {
            *slash = '\0';
            enable_v2_controllers (dir);
            *slash = '/';
          }
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

/* The value of "KEY N" in a flat-keyed cgroup file, or -1. */
static long long
read_key (const char *file, const char *key)
{
  cleanup_close int fd = open (file, O_RDONLY | O_CLOEXEC);
  char buf[2048], *p;
  size_t klen = strlen (key);
  ssize_t n;

  if (fd < 0 || (n = shim_read_all (fd, buf, sizeof (buf) - 1)) < 0)
    return -1;
  buf[n] = '\0';
  for (p = buf; p && *p; p = strchr (p, '\n') ? strchr (p, '\n') + 1 : NULL)
    if (strncmp (p, key, klen) == 0 && p[klen] == ' ')
      return strtoll (p + klen + 1, NULL, 10);
  return -1;
}

char *
shim_cgroup_oom_file (json_object *spec)
{
  json_object *ann = shim_spec_get (spec, "annotations"), *v = NULL;
  const char *path = shim_spec_get_string (spec, "linux.cgroupsPath");
  char *file = NULL;

  if (ann && json_object_object_get_ex (ann, "dev.skiff.cgroup.path", &v) && json_object_get_string (v)[0])
    {
      xasprintf (&file, "%s/memory.events", json_object_get_string (v));
      if (access (file, F_OK) == 0)
        return file;
      free (file);
      file = NULL;
    }
  if (path == NULL || path[0] == '\0' || strstr (path, ".."))
    return NULL;
  while (*path == '/')
    path++;
  if (access ("/sys/fs/cgroup/cgroup.controllers", F_OK) == 0)
    xasprintf (&file, "/sys/fs/cgroup/%s/memory.events", path);
  else
    xasprintf (&file, "/sys/fs/cgroup/memory/%s/memory.oom_control", path);
  return file;
}

long long
shim_cgroup_oom_kills (const char *oom_file)
{
  return oom_file ? read_key (oom_file, "oom_kill") : -1;
}
