/* userns.c -- uid_map / gid_map (see userns.h). */
#define _GNU_SOURCE
#include <fcntl.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "holder.h"
#include "spec.h"
#include "userns.h"
#include "utils.h"

#define MAX_MAPPINGS 340

static int
get_u32 (json_object *o, const char *key, int64_t *out)
{
  json_object *v;

  if (!json_object_object_get_ex (o, key, &v) || !json_object_is_type (v, json_type_int))
    return -1;
  *out = json_object_get_int64 (v);
  return *out < 0 || *out > UINT32_MAX ? -1 : 0;
}

static int
validate_one (json_object *maps, const char *name, shim_error_t *err)
{
  size_t i, n;

  if (!json_object_is_type (maps, json_type_array))
    return shim_make_error (err, EINVAL, "linux.%s is not an array", name);
  n = json_object_array_length (maps);
  if (n == 0 || n > MAX_MAPPINGS)
    return shim_make_error (err, EINVAL, "linux.%s: %zu entries (1..%d allowed)", name, n, MAX_MAPPINGS);
  for (i = 0; i < n; i++)
    {
      json_object *m = json_object_array_get_idx (maps, i);
      int64_t cid, hid, size;

      if (get_u32 (m, "containerID", &cid) < 0 || get_u32 (m, "hostID", &hid) < 0
          || get_u32 (m, "size", &size) < 0)
        return shim_make_error (err, EINVAL,
                                "linux.%s[%zu]: invalid mapping (containerID, hostID and size must be "
                                "integers in 0..4294967295)",
                                name, i);
      if (size == 0 || cid + size - 1 > UINT32_MAX - 1 || hid + size - 1 > UINT32_MAX - 1)
        return shim_make_error (err, EINVAL, "linux.%s[%zu]: invalid mapping (size %lld at %lld:%lld)", name,
                                i, (long long)size, (long long)cid, (long long)hid);
    }
  return 0;
}

int
shim_id_maps_validate (json_object *spec, int new_userns, shim_error_t *err)
{
  json_object *uids = shim_spec_get (spec, "linux.uidMappings");
  json_object *gids = shim_spec_get (spec, "linux.gidMappings");

  if (!new_userns)
    {
      if (uids || gids)
        return shim_make_error (err, EINVAL, "uid/gid mappings given but no new user namespace requested");
      return 0;
    }
  if (uids == NULL || gids == NULL)
    return shim_make_error (err, EINVAL,
                            "a new user namespace needs linux.uidMappings and linux.gidMappings");
  if (validate_one (uids, "uidMappings", err) < 0 || validate_one (gids, "gidMappings", err) < 0)
    return -1;
  return 0;
}

static char *
format_map (json_object *maps, const char *sep)
{
  char *out = xstrdup ("");
  size_t i, n = json_object_array_length (maps);

  for (i = 0; i < n; i++)
    {
      json_object *m = json_object_array_get_idx (maps, i);
      int64_t cid = 0, hid = 0, size = 0;
      char *next;

      get_u32 (m, "containerID", &cid);
      get_u32 (m, "hostID", &hid);
      get_u32 (m, "size", &size);
      xasprintf (&next, "%s%lld %lld %lld%s", out, (long long)cid, (long long)hid, (long long)size, sep);
      free (out);
      out = next;
    }
  return out;
}

static int
write_proc_file (pid_t pid, const char *file, const char *data, shim_error_t *err)
{
  char path[64];
  cleanup_close int fd = -1;

  snprintf (path, sizeof (path), "/proc/%d/%s", (int)pid, file);
  fd = open (path, O_WRONLY | O_CLOEXEC);
  if (fd < 0)
    return shim_make_error (err, errno, "open `%s`", path);
  if (write (fd, data, strlen (data)) < 0)
    return shim_make_error (err, errno, "write `%s`", path);
  return 0;
}

/* Runs newuidmap/newgidmap PID <cid hid size>... and waits for it. */
int
shim_run_id_helper (const char *helper, pid_t pid, const char *map_args, shim_error_t *err)
{
  cleanup_free char *args = xstrdup (map_args);
  cleanup_free char **argv = xmalloc0 ((3 + strlen (map_args)) * sizeof (char *));
  char pidbuf[16], *save = NULL, *tok;
  int status, k = 0;
  pid_t child;

  snprintf (pidbuf, sizeof (pidbuf), "%d", (int)pid);
  argv[k++] = (char *)helper;
  argv[k++] = pidbuf;
  for (tok = strtok_r (args, " ", &save); tok; tok = strtok_r (NULL, " ", &save))
    argv[k++] = tok;
  argv[k] = NULL;

  child = fork ();
  if (child < 0)
    return shim_make_error (err, errno, "fork %s", helper);
  if (child == 0)
    {
      int devnull = open ("/dev/null", O_RDWR);
      if (devnull >= 0)
        {
          dup2 (devnull, 0);
          dup2 (devnull, 1);
        }
      execvp (helper, argv);
      _exit (127);
    }
  while (waitpid (child, &status, 0) < 0)
    if (errno != EINTR)
      return shim_make_error (err, errno, "waitpid %s", helper);
  if (WIFEXITED (status) && WEXITSTATUS (status) == 127)
    return shim_make_error (err, ENOENT, "%s not found (install the uidmap package)", helper);
  if (!WIFEXITED (status) || WEXITSTATUS (status) != 0)
    return shim_make_error (err, EPERM, "%s %s failed (exit status %d; check /etc/sub%cid)", helper, map_args,
                            WIFEXITED (status) ? WEXITSTATUS (status) : -1, helper[3] == 'u' ? 'u' : 'g');
  return 0;
}

static int
run_helper (const char *helper, pid_t pid, json_object *maps, shim_error_t *err)
{
  cleanup_free char *args = format_map (maps, " ");

  return shim_run_id_helper (helper, pid, args, err);
}

/* The spec's map (host IDs) in the registered holder's IDs, as uid_map lines. */
static char *
holder_map (json_object *maps, int is_uid, shim_error_t *err)
{
  const shim_holder_t *h = shim_holder_current ();
  struct shim_id_range_s in[SHIM_MAX_ID_RANGES], out[SHIM_MAX_ID_RANGES];
  size_t i, n = json_object_array_length (maps);
  char *text = xstrdup (""), *next;
  int k;

  for (i = 0; i < n && i < SHIM_MAX_ID_RANGES; i++)
    {
      json_object *m = json_object_array_get_idx (maps, i);
      int64_t cid = 0, hid = 0, size = 0;

      get_u32 (m, "containerID", &cid);
      get_u32 (m, "hostID", &hid);
      get_u32 (m, "size", &size);
      in[i] = (struct shim_id_range_s){ (uint32_t)cid, (uint32_t)hid, (uint32_t)size };
    }
  k = shim_id_translate (is_uid ? h->uids : h->gids, is_uid ? h->n_uids : h->n_gids, in, (int)i, out,
                         SHIM_MAX_ID_RANGES, err);
  if (k < 0)
    {
      free (text);
      return NULL;
    }
  for (i = 0; i < (size_t)k; i++)
    {
      xasprintf (&next, "%s%u %u %u\n", text, out[i].inside, out[i].outside, out[i].count);
      free (text);
      text = next;
    }
  return text;
}

static int
is_own_single_map (json_object *maps, unsigned int own)
{
  json_object *m;
  int64_t hid = 0, size = 0;

  if (json_object_array_length (maps) != 1)
    return 0;
  m = json_object_array_get_idx (maps, 0);
  get_u32 (m, "hostID", &hid);
  get_u32 (m, "size", &size);
  return size == 1 && hid == own;
}

static int
set_one_map (pid_t pid, json_object *maps, int is_uid, shim_error_t *err)
{
  const char *file = is_uid ? "uid_map" : "gid_map";
  cleanup_free char *data = NULL;
  int ret;

  if (shim_holder_current () != NULL) /* joined: root of the holder, privileged over its child */
    {
      data = holder_map (maps, is_uid, err);
      ret = data ? write_proc_file (pid, file, data, err) : -1;
    }
  else if (geteuid () == 0 || is_own_single_map (maps, is_uid ? geteuid () : getegid ()))
    {
      if (geteuid () != 0 && !is_uid && write_proc_file (pid, "setgroups", "deny", err) < 0)
        return shim_error_wrap (err, "setting setgroups");
      data = format_map (maps, "\n");
      ret = write_proc_file (pid, file, data, err);
    }
  else
    ret = run_helper (is_uid ? "newuidmap" : "newgidmap", pid, maps, err);
  if (ret < 0)
    return shim_error_wrap (err, "setting %s", file);
  return 0;
}

int
shim_set_id_maps (pid_t pid, json_object *spec, shim_error_t *err)
{
  /* gid first: an unprivileged single-id gid map needs setgroups=deny, written before uid_map. */
  if (set_one_map (pid, shim_spec_get (spec, "linux.gidMappings"), 0, err) < 0)
    return -1;
  return set_one_map (pid, shim_spec_get (spec, "linux.uidMappings"), 1, err);
}

/* "a:b:c,d:e:f" -> "a b c\nd e f\n"; NULL when malformed. */
static char *
proc_lines (const char *list)
{
  cleanup_free char *copy = xstrdup (list);
  char *out = xmalloc0 (strlen (list) * 2 + 2), *save = NULL, *tok;
  size_t len = 0;
  int n = 0;

  for (tok = strtok_r (copy, ",", &save); tok; tok = strtok_r (NULL, ",", &save))
    {
      unsigned long long a, b, c;
      char end;
      if (sscanf (tok, "%llu:%llu:%llu%c", &a, &b, &c, &end) != 3 || c == 0 || ++n > MAX_MAPPINGS)
        {
          free (out);
          return NULL;
        }
      len += sprintf (out + len, "%llu %llu %llu\n", a, b, c);
    }
  if (n == 0)
    {
      free (out);
      return NULL;
    }
  return out;
}

int
shim_userns_fd_for_maps (const char *uids, const char *gids, shim_error_t *err)
{
  cleanup_free char *ulines = proc_lines (uids), *glines = proc_lines (gids);
  int ready[2], hold[2], status, ret = -1;
  char path[64], b;
  pid_t pid;

  if (!ulines || !glines)
    return shim_make_error (err, EINVAL, "invalid ID map `%s` / `%s`", uids, gids);
  if (shim_pipe_pair (ready, hold, err) < 0)
    return -1;
  pid = fork ();
  if (pid < 0)
    ret = shim_make_error (err, errno, "fork");
  else if (pid == 0)
    {
      close (ready[0]);
      close (hold[1]);
      b = unshare (CLONE_NEWUSER) == 0 ? 'U' : 'E';
      if (write (ready[1], &b, 1) < 0 || read (hold[0], &b, 1) < 0)
        _exit (1);
      _exit (0);
    }
  close (ready[1]);
  close (hold[0]);
  if (pid > 0)
    {
      if (shim_read_all (ready[0], &b, 1) != 1 || b != 'U')
        ret = shim_make_error (err, EPERM, "creating a user namespace for ID-mapped layers");
      else if (write_proc_file (pid, "uid_map", ulines, err) < 0 || write_proc_file (pid, "gid_map", glines, err) < 0)
        ret = shim_error_wrap (err, "ID map of the layers' user namespace");
      else
        {
          snprintf (path, sizeof (path), "/proc/%d/ns/user", (int)pid);
          ret = open (path, O_RDONLY | O_CLOEXEC);
          if (ret < 0)
            ret = shim_make_error (err, errno, "open `%s`", path);
        }
    }
  close (ready[0]);
  close (hold[1]); /* the child reads EOF and exits */
  if (pid > 0)
    waitpid (pid, &status, 0);
  return ret;
}
