/* userns_ops.c -- `skiff-shim userns-run`: file operations a rootless daemon cannot do itself.
 *
 * A rootless skiffd owns files that belong to its subordinate IDs (image layers with non-root
 * owners, container upper dirs written by non-root container users), but as a plain user it can
 * neither chown to those IDs nor delete what they own.  This command does both inside a fresh user
 * namespace mapped like the daemon's containers (uidMappings/gidMappings through
 * newuidmap/newgidmap), where the daemon's user is root and holds CAP_CHOWN/CAP_DAC_OVERRIDE over
 * exactly the mapped IDs, nothing else.
 *
 * Input (stdin, one JSON document):
 *   {"linux":{"uidMappings":[...],"gidMappings":[...]},
 *    "op":"chown","root":"/abs/dir","entries":[{"path":"rel/path","uid":U,"gid":G,"mode":M},...]}
 *      lchown of each entry (ids as seen inside the namespace = the container's ids), then, when
 *      "mode" is given and the entry is not a symlink, chmod (chown clears setuid/setgid bits).
 *      Paths are relative to "root" and resolved beneath it without following any symlink
 *      (openat2 RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS on the parent).
 *   {"linux":{...},"op":"remove","paths":["/abs/dir",...]}
 *      removes each tree, depth first, never following symlinks.
 * With `--userns-holder PIDFILE` the namespace is created inside the namespace holder's (holder.h)
 * and its maps are written directly instead of through newuidmap/newgidmap.
 * Output: exit 0 and `{"done":N}` on stdout, or exit 1 and `{"errno":E,"message":"..."}`.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <json-c/json.h>
#include <linux/openat2.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "error.h"
#include "holder.h"
#include "userns.h"
#include "userns_ops.h"
#include "utils.h"

static char *
read_stdin (shim_error_t *err)
{
  size_t cap = 65536, len = 0;
  char *buf = malloc (cap);
  ssize_t n;

  if (buf == NULL)
    return shim_make_error (err, ENOMEM, "reading the request"), NULL;
  while ((n = read (0, buf + len, cap - len - 1)) != 0)
    {
      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        {
          free (buf);
          return shim_make_error (err, errno, "reading the request from stdin"), NULL;
        }
      len += (size_t)n;
      if (cap - len < 2)
        {
          char *bigger = realloc (buf, cap * 2);
          if (bigger == NULL)
            {
              free (buf);
              return shim_make_error (err, ENOMEM, "reading the request"), NULL;
            }
          buf = bigger;
          cap *= 2;
        }
    }
  buf[len] = '\0';
  return buf;
}

/* Opens the directory holding `rel` beneath rootfd, following no symlink; *name gets the last part. */
static int
open_parent_beneath (int rootfd, const char *rel, char **name, shim_error_t *err)
{
  cleanup_free char *copy = strdup (rel);
  struct open_how how = { .flags = O_PATH | O_DIRECTORY | O_CLOEXEC,
                          .resolve = RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS };
  char *slash;
  int fd;

  if (copy == NULL)
    return shim_make_error (err, ENOMEM, "path `%s`", rel);
  if (rel[0] == '/' || rel[0] == '\0')
    return shim_make_error (err, EINVAL, "path `%s` is not relative to the root", rel);
  slash = strrchr (copy, '/');
  if (slash == NULL)
    {
      *name = strdup (rel);
      fd = (int)syscall (SYS_openat2, rootfd, ".", &how, sizeof (how));
    }
  else
    {
      *slash = '\0';
      *name = strdup (slash + 1);
      fd = (int)syscall (SYS_openat2, rootfd, copy, &how, sizeof (how));
    }
  if (*name == NULL)
    return shim_make_error (err, ENOMEM, "path `%s`", rel);
  if (fd < 0)
    return shim_make_error (err, errno, "open the directory of `%s` beneath the root", rel);
  return fd;
}

static int
do_chown (json_object *req, int *done, shim_error_t *err)
{
  json_object *root_o, *entries;
  cleanup_close int rootfd = -1;
  size_t i, n;

  if (!json_object_object_get_ex (req, "root", &root_o) || !json_object_is_type (root_o, json_type_string)
      || json_object_get_string (root_o)[0] != '/')
    return shim_make_error (err, EINVAL, "chown needs an absolute `root`");
  if (!json_object_object_get_ex (req, "entries", &entries) || !json_object_is_type (entries, json_type_array))
    return shim_make_error (err, EINVAL, "chown needs an `entries` array");
  rootfd = open (json_object_get_string (root_o), O_PATH | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
  if (rootfd < 0)
    return shim_make_error (err, errno, "open root `%s`", json_object_get_string (root_o));
  n = json_object_array_length (entries);
  for (i = 0; i < n; i++)
    {
      json_object *e = json_object_array_get_idx (entries, i), *p, *u, *g, *m;
      cleanup_free char *name = NULL;
      cleanup_close int dirfd = -1;
      struct stat st;

      if (!json_object_object_get_ex (e, "path", &p) || !json_object_object_get_ex (e, "uid", &u)
          || !json_object_object_get_ex (e, "gid", &g))
        return shim_make_error (err, EINVAL, "entry %zu needs path, uid and gid", i);
      dirfd = open_parent_beneath (rootfd, json_object_get_string (p), &name, err);
      if (dirfd < 0)
        return -1;
      if (fchownat (dirfd, name, (uid_t)json_object_get_int64 (u), (gid_t)json_object_get_int64 (g),
                    AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH)
          < 0)
        return shim_make_error (err, errno, "lchown `%s` to %lld:%lld", json_object_get_string (p),
                                (long long)json_object_get_int64 (u), (long long)json_object_get_int64 (g));
      if (json_object_object_get_ex (e, "mode", &m) && fstatat (dirfd, name, &st, AT_SYMLINK_NOFOLLOW) == 0
          && !S_ISLNK (st.st_mode)
          && fchmodat (dirfd, name, (mode_t)json_object_get_int (m) & 07777, 0) < 0)
        return shim_make_error (err, errno, "chmod `%s`", json_object_get_string (p));
      (*done)++;
    }
  return 0;
}

static int
remove_one (const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
  (void)st;
  (void)ftw;
  if ((flag == FTW_DP ? rmdir (path) : unlink (path)) < 0 && errno != ENOENT)
    return errno;
  return 0;
}

static int
do_remove (json_object *req, int *done, shim_error_t *err)
{
  json_object *paths;
  size_t i, n;

  if (!json_object_object_get_ex (req, "paths", &paths) || !json_object_is_type (paths, json_type_array))
    return shim_make_error (err, EINVAL, "remove needs a `paths` array");
  n = json_object_array_length (paths);
  for (i = 0; i < n; i++)
    {
      const char *path = json_object_get_string (json_object_array_get_idx (paths, i));
      int r;

      if (path == NULL || path[0] != '/' || strstr (path, "/../") != NULL)
        return shim_make_error (err, EINVAL, "path to remove `%s` is not absolute and normalised", path ? path : "");
      r = nftw (path, remove_one, 64, FTW_DEPTH | FTW_PHYS | FTW_MOUNT);
      if (r < 0 && errno == ENOENT)
        continue;
      if (r != 0)
        return shim_make_error (err, r > 0 ? r : errno, "remove `%s`", path);
      (*done)++;
    }
  return 0;
}

/* Runs in the new user namespace once its maps are written. */
static int
run_op (json_object *req, int go_fd)
{
  shim_error_t err = NULL;
  json_object *op;
  char c;
  int done = 0, r;

  if (shim_read_all (go_fd, &c, 1) != 1)
    _exit (1); /* the parent failed and reported */
  if (setresgid (0, 0, 0) < 0 || setresuid (0, 0, 0) < 0)
    r = shim_make_error (&err, errno, "becoming root of the user namespace");
  else if (!json_object_object_get_ex (req, "op", &op))
    r = shim_make_error (&err, EINVAL, "no `op` in the request");
  else if (strcmp (json_object_get_string (op), "chown") == 0)
    r = do_chown (req, &done, &err);
  else if (strcmp (json_object_get_string (op), "remove") == 0)
    r = do_remove (req, &done, &err);
  else
    r = shim_make_error (&err, EINVAL, "unknown op `%s`", json_object_get_string (op));
  if (r < 0)
    {
      shim_error_send (1, err);
      _exit (1);
    }
  printf ("{\"done\":%d}\n", done);
  fflush (stdout);
  _exit (0);
}

int
shim_userns_run_main (const char *holder)
{
  shim_error_t err = NULL;
  cleanup_free char *text = read_stdin (&err);
  json_object *req;
  int go[2], status;
  pid_t pid;

  if (text == NULL)
    goto fail;
  req = json_tokener_parse (text);
  if (req == NULL)
    {
      shim_make_error (&err, EINVAL, "the request is not JSON");
      goto fail;
    }
  if (shim_id_maps_validate (req, 1, &err) < 0)
    goto fail;
  /* with the namespace holder: its child, maps written directly (no newuidmap) */
  if (shim_holder_use_file (holder, 1, &err) < 0 || shim_holder_join (&err) < 0)
    goto fail;
  if (pipe2 (go, O_CLOEXEC) < 0)
    {
      shim_make_error (&err, errno, "pipe");
      goto fail;
    }
  pid = (pid_t)syscall (SYS_clone, CLONE_NEWUSER | SIGCHLD, 0, NULL, NULL, 0);
  if (pid < 0)
    {
      shim_make_error (&err, errno, "clone a user namespace");
      goto fail;
    }
  if (pid == 0)
    {
      close (go[1]);
      run_op (req, go[0]);
    }
  close (go[0]);
  if (shim_set_id_maps (pid, req, &err) < 0)
    {
      close (go[1]);
      waitpid (pid, &status, 0);
      goto fail;
    }
  if (shim_write_all (go[1], "G", 1) < 0)
    {
      shim_make_error (&err, errno, "starting the operation");
      kill (pid, SIGKILL);
    }
  close (go[1]);
  while (waitpid (pid, &status, 0) < 0 && errno == EINTR)
    ;
  if (err != NULL)
    goto fail;
  return WIFEXITED (status) ? WEXITSTATUS (status) : 1;
fail:
  shim_error_send (1, err);
  return 1;
}
