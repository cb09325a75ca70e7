/* process.c -- hostname, sysctl, rlimits, user, cwd, fds and execve (see process.h). */
#define _GNU_SOURCE
#include <fcntl.h>
#include <grp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <linux/close_range.h>

#include "process.h"
#include "spec.h"
#include "utils.h"

#define DEFAULT_PATH "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

int
shim_set_hostname (const char *hostname, int has_uts_ns, shim_error_t *err)
{
  if (hostname == NULL || hostname[0] == '\0')
    return 0;
  if (!has_uts_ns)
    return shim_make_error (err, EINVAL, "setting the hostname needs a UTS namespace");
  if (sethostname (hostname, strlen (hostname)) < 0)
    return shim_make_error (err, errno, "sethostname `%s`", hostname);
  return 0;
}

int
shim_set_domainname (const char *domainname, int has_uts_ns, shim_error_t *err)
{
  if (domainname == NULL || domainname[0] == '\0')
    return 0;
  if (!has_uts_ns)
    return shim_make_error (err, EINVAL, "setting the domainname needs a UTS namespace");
  if (setdomainname (domainname, strlen (domainname)) < 0)
    return shim_make_error (err, errno, "setdomainname `%s`", domainname);
  return 0;
}

int
shim_set_oom_score_adj (pid_t pid, json_object *adj, shim_error_t *err)
{
  cleanup_close int fd = -1;
  char buf[16], path[64];
  int n;

  if (adj == NULL)
    return 0;
  n = snprintf (buf, sizeof (buf), "%d", json_object_get_int (adj));
  snprintf (path, sizeof (path), "/proc/%d/oom_score_adj", (int)pid);
  fd = open (path, O_WRONLY | O_CLOEXEC);
  if (fd < 0)
    return shim_make_error (err, errno, "open `%s`", path);
  if (shim_write_all (fd, buf, n) < 0)
    return shim_make_error (err, errno, "setting process.oomScoreAdj to %s", buf);
  return 0;
}

int
shim_set_sysctl (json_object *sysctl, shim_error_t *err)
{
  if (sysctl == NULL)
    return 0;
  json_object_object_foreach (sysctl, key, val)
  {
    cleanup_free char *path = NULL;
    cleanup_close int fd = -1;
    const char *value = json_object_get_string (val);
    char *p;

    if (strstr (key, "..") || key[0] == '/' || key[0] == '.')
      return shim_make_error (err, EINVAL, "invalid sysctl `%s`", key);
    xasprintf (&path, "/proc/sys/%s", key);
    for (p = path + 10; *p; p++)
      if (*p == '.')
        *p = '/';
    fd = open (path, O_WRONLY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0)
      return shim_make_error (err, errno, "sysctl `%s`", key);
    if (shim_write_all (fd, value, strlen (value)) < 0)
      return shim_make_error (err, errno, "sysctl `%s` = `%s`", key, value);
  }
  return 0;
}

static int
rlimit_entry (json_object *r, int *resource, struct rlimit *lim, shim_error_t *err)
{
  const char *type = shim_spec_get_string (r, "type");
  json_object *soft = shim_spec_get (r, "soft"), *hard = shim_spec_get (r, "hard");

  *resource = shim_rlimit_resource (type);
  if (*resource < 0)
    return shim_make_error (err, EINVAL, "unknown rlimit `%s`", type ? type : "(missing)");
  if (soft == NULL || hard == NULL)
    return shim_make_error (err, EINVAL, "rlimit `%s` needs soft and hard", type);
  lim->rlim_cur = (rlim_t)json_object_get_uint64 (soft);
  lim->rlim_max = (rlim_t)json_object_get_uint64 (hard);
  if (lim->rlim_cur > lim->rlim_max)
    return shim_make_error (err, EINVAL, "rlimit `%s`: soft %llu above hard %llu", type,
                            (unsigned long long)lim->rlim_cur, (unsigned long long)lim->rlim_max);
  return 0;
}

int
shim_rlimits_validate (json_object *rlimits, shim_error_t *err)
{
  size_t i, n;

  if (rlimits == NULL)
    return 0;
  if (!json_object_is_type (rlimits, json_type_array))
    return shim_make_error (err, EINVAL, "process.rlimits is not an array");
  n = json_object_array_length (rlimits);
  for (i = 0; i < n; i++)
    {
      int resource;
      struct rlimit lim;
      if (rlimit_entry (json_object_array_get_idx (rlimits, i), &resource, &lim, err) < 0)
        return shim_error_wrap (err, "process.rlimits[%zu]", i);
    }
  return 0;
}

int
shim_set_rlimits (json_object *rlimits, shim_error_t *err)
{
  size_t i, n = rlimits ? json_object_array_length (rlimits) : 0;

  for (i = 0; i < n; i++)
    {
      json_object *r = json_object_array_get_idx (rlimits, i);
      struct rlimit lim, cur;
      int resource;

      if (rlimit_entry (r, &resource, &lim, err) < 0)
        return -1;
      if (setrlimit (resource, &lim) == 0)
        continue;
      if (errno == EPERM && getrlimit (resource, &cur) == 0 && lim.rlim_max > cur.rlim_max)
        return shim_make_error (err, EPERM, "setting %s: hard limit %llu is above the shim's hard limit %llu",
                                shim_spec_get_string (r, "type"), (unsigned long long)lim.rlim_max,
                                (unsigned long long)cur.rlim_max);
      return shim_make_error (err, errno, "setting %s", shim_spec_get_string (r, "type"));
    }
  return 0;
}

static int
setgroups_denied (void)
{
  char buf[16] = { 0 };
  cleanup_close int fd = open ("/proc/self/setgroups", O_RDONLY | O_CLOEXEC);

  if (fd < 0 || read (fd, buf, sizeof (buf) - 1) < 0)
    return 0;
  return strncmp (buf, "deny", 4) == 0;
}

int
shim_set_user (json_object *user, shim_error_t *err)
{
  json_object *gids = shim_spec_get (user, "additionalGids"), *umask_o = shim_spec_get (user, "umask");
  uid_t uid = (uid_t)json_object_get_int64 (shim_spec_get (user, "uid"));
  gid_t gid = (gid_t)json_object_get_int64 (shim_spec_get (user, "gid"));
  size_t i, n = gids && json_object_is_type (gids, json_type_array) ? json_object_array_length (gids) : 0;
  cleanup_free gid_t *list = xmalloc0 ((n + 1) * sizeof (gid_t));

  for (i = 0; i < n; i++)
    list[i] = (gid_t)json_object_get_int64 (json_object_array_get_idx (gids, i));
  if (setgroups (n, list) < 0 && !(n == 0 && errno == EPERM && setgroups_denied ()))
    return shim_make_error (err, errno, "setgroups");
  if (setresgid (gid, gid, gid) < 0)
    return shim_make_error (err, errno, "setresgid %u", (unsigned)gid);
  if (setresuid (uid, uid, uid) < 0)
    return shim_make_error (err, errno, "setresuid %u", (unsigned)uid);
  umask (umask_o ? (mode_t)json_object_get_int (umask_o) : 0022);
  return 0;
}

int
shim_set_cwd (const char *cwd, shim_error_t *err)
{
  if (cwd == NULL || cwd[0] == '\0')
    cwd = "/";
  if (cwd[0] != '/')
    return shim_make_error (err, EINVAL, "process.cwd `%s` is not absolute", cwd);
  if (chdir (cwd) < 0)
    return shim_make_error (err, errno, "chdir to cwd `%s`", cwd);
  return 0;
}

int
shim_set_close_fds (shim_error_t *err)
{
  if (syscall (SYS_close_range, 3, ~0U, CLOSE_RANGE_CLOEXEC) < 0)
    {
      /* pre-5.11 kernel: mark each open fd */
      int fd;
      if (errno != ENOSYS && errno != EINVAL)
        return shim_make_error (err, errno, "close_range");
      for (fd = 3; fd < 65536; fd++)
        fcntl (fd, F_SETFD, FD_CLOEXEC);
    }
  return 0;
}

char *
shim_find_executable (const char *file, const char *path)
{
  cleanup_free char *copy = xstrdup (path && path[0] ? path : DEFAULT_PATH);
  char *save = NULL, *dir;
  int saw_eacces = 0;

  for (dir = strtok_r (copy, ":", &save); dir; dir = strtok_r (NULL, ":", &save))
    {
      char *candidate;
      struct stat st;

      xasprintf (&candidate, "%s/%s", dir[0] ? dir : ".", file);
      if (stat (candidate, &st) == 0 && S_ISREG (st.st_mode))
        {
          if (st.st_mode & 0111)
            return candidate;
          saw_eacces = 1;
        }
      free (candidate);
    }
  errno = saw_eacces ? EACCES : ENOENT;
  return NULL;
}

static char **
string_array (json_object *arr)
{
  size_t i, n = arr && json_object_is_type (arr, json_type_array) ? json_object_array_length (arr) : 0;
  char **out = xmalloc0 ((n + 1) * sizeof (char *));

  for (i = 0; i < n; i++)
    out[i] = (char *)json_object_get_string (json_object_array_get_idx (arr, i));
  return out;
}

int
shim_exec_resolve (json_object *process, char **path, shim_error_t *err)
{
  cleanup_free char **argv = string_array (shim_spec_get (process, "args"));
  cleanup_free char **envp = string_array (shim_spec_get (process, "env"));
  const char *search = NULL;
  size_t i;

  *path = NULL;
  if (argv[0] == NULL || argv[0][0] == '\0')
    return shim_make_error (err, EINVAL, "process.args is empty");
  for (i = 0; envp[i]; i++)
    if (strncmp (envp[i], "PATH=", 5) == 0)
      search = envp[i] + 5;
  if (strchr (argv[0], '/') != NULL)
    {
      *path = xstrdup (argv[0]);
      return 0;
    }
  *path = shim_find_executable (argv[0], search);
  if (*path == NULL && errno == EACCES)
    return shim_make_error (err, EACCES, "exec `%s`: permission denied", argv[0]);
  if (*path == NULL)
    return shim_make_error (err, ENOENT, "exec `%s`: executable file not found in $PATH", argv[0]);
  return 0;
}

int
shim_exec (json_object *process, shim_error_t *err)
{
  cleanup_free char **argv = string_array (shim_spec_get (process, "args"));
  cleanup_free char **envp = string_array (shim_spec_get (process, "env"));
  cleanup_free char *path = NULL;

  if (shim_exec_resolve (process, &path, err) < 0)
    return -1;
  execve (path, argv, envp);
  if (errno == ENOENT)
    return shim_make_error (err, ENOENT, "exec `%s`: executable file not found", argv[0]);
  return shim_make_error (err, errno, "exec `%s`", argv[0]);
}
