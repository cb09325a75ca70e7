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
 *   {"linux":{...},"op":"copy-shifted","source":"/abs/layer","target":"/abs/new",
 *    "uidShift":[{"from":F,"to":T,"size":N},...],"gidShift":[...]}
 *      copies the tree `source` into the new directory `target` (which must not exist), every owner
 *      k (ids inside the namespace) becoming the id its shift entry gives (F+i -> T+i); an owner no
 *      entry covers is an error (EOVERFLOW, naming the path).  Regular files, directories,
 *      symlinks, fifos, sockets and device nodes (overlay whiteouts are 0/0 character devices) are
 *      recreated; hard links stay hard links; modes (setuid/setgid/sticky, set after the chown that
 *      clears them), xattrs and timestamps are kept.  Every entry is opened relative to its
 *      already opened parent with openat2 RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS: nothing outside
 *      `source` is read and no symlink is followed.  "done" is the number of entries copied.
 * With `--userns-holder PIDFILE` the namespace is created inside the namespace holder's (holder.h)
 * and its maps are written directly instead of through newuidmap/newgidmap.
 * Output: exit 0 and `{"done":N}` on stdout, or exit 1 and `{"errno":E,"message":"..."}`.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <json-c/json.h>
#include <dirent.h>
#include <linux/openat2.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/xattr.h>
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

/* ---- copy-shifted ---------------------------------------------------------------------------- */

struct shift_s
{
  unsigned long long from, to, size;
};

struct copy_link_s
{
  dev_t dev;
  ino_t ino;
  char *path; /* relative to the target root */
};

struct copy_ctx_s
{
  struct shift_s *uids, *gids;
  size_t n_uids, n_gids;
  int target_root;
  struct copy_link_s *links;
  size_t n_links, cap_links;
  int done;
};

static int
parse_shift (json_object *req, const char *key, struct shift_s **out, size_t *n, shim_error_t *err)
{
  json_object *a;
  size_t i;

  if (!json_object_object_get_ex (req, key, &a) || !json_object_is_type (a, json_type_array))
    return shim_make_error (err, EINVAL, "copy-shifted needs a `%s` array", key);
  *n = json_object_array_length (a);
  *out = xmalloc0 ((*n + 1) * sizeof (**out));
  for (i = 0; i < *n; i++)
    {
      json_object *e = json_object_array_get_idx (a, i), *f, *t, *s;
      if (!json_object_object_get_ex (e, "from", &f) || !json_object_object_get_ex (e, "to", &t)
          || !json_object_object_get_ex (e, "size", &s) || json_object_get_int64 (f) < 0
          || json_object_get_int64 (t) < 0 || json_object_get_int64 (s) < 1)
        return shim_make_error (err, EINVAL, "`%s` entry %zu needs from, to and size >= 1", key, i);
      (*out)[i].from = (unsigned long long)json_object_get_int64 (f);
      (*out)[i].to = (unsigned long long)json_object_get_int64 (t);
      (*out)[i].size = (unsigned long long)json_object_get_int64 (s);
    }
  return 0;
}

static int
shift_id (const struct shift_s *m, size_t n, unsigned long long id, unsigned long long *out)
{
  size_t i;

  for (i = 0; i < n; i++)
    if (id >= m[i].from && id - m[i].from < m[i].size)
      {
        *out = m[i].to + (id - m[i].from);
        return 0;
      }
  return -1;
}

static int
open_beneath (int dirfd, const char *name, int flags)
{
  struct open_how how = { .flags = (unsigned long long)(flags | O_CLOEXEC | O_NOFOLLOW),
                          .resolve = RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS };
  return (int)syscall (SYS_openat2, dirfd, name, &how, sizeof (how));
}

/* xattrs of dir/name (any file type, never followed) onto the copy, through /proc/self/fd paths. */
static int
copy_xattrs (int sdir, int ddir, const char *name, const char *rel, shim_error_t *err)
{
  char sp[PATH_MAX], dp[PATH_MAX];
  cleanup_free char *names = NULL;
  ssize_t len;
  char *n;

  snprintf (sp, sizeof (sp), "/proc/self/fd/%d/%s", sdir, name);
  snprintf (dp, sizeof (dp), "/proc/self/fd/%d/%s", ddir, name);
  len = llistxattr (sp, NULL, 0);
  if (len < 0 && (errno == ENOTSUP || errno == ENODATA))
    return 0;
  if (len < 0)
    return shim_make_error (err, errno, "listing the xattrs of `%s`", rel);
  if (len == 0)
    return 0;
  names = xmalloc ((size_t)len + 1);
  len = llistxattr (sp, names, (size_t)len);
  if (len < 0)
    return shim_make_error (err, errno, "listing the xattrs of `%s`", rel);
  for (n = names; n < names + len; n += strlen (n) + 1)
    {
      cleanup_free char *value = NULL;
      ssize_t vlen = lgetxattr (sp, n, NULL, 0);
      if (vlen < 0)
        return shim_make_error (err, errno, "reading xattr `%s` of `%s`", n, rel);
      value = xmalloc ((size_t)vlen + 1);
      vlen = lgetxattr (sp, n, value, (size_t)vlen);
      if (vlen < 0)
        return shim_make_error (err, errno, "reading xattr `%s` of `%s`", n, rel);
      if (lsetxattr (dp, n, value, (size_t)vlen, 0) < 0)
        return shim_make_error (err, errno, "setting xattr `%s` on the copy of `%s`", n, rel);
    }
  return 0;
}

/* Owner (shifted), then mode (chown clears setuid/setgid), xattrs; times are set by the caller. */
static int
copy_attrs (struct copy_ctx_s *ctx, int sdir, int ddir, const char *name, const char *rel, const struct stat *st,
            shim_error_t *err)
{
  unsigned long long uid, gid;

  if (shift_id (ctx->uids, ctx->n_uids, st->st_uid, &uid) < 0)
    return shim_make_error (err, EOVERFLOW, "owner uid %u of `%s` has no id in the container's map",
                            (unsigned)st->st_uid, rel);
  if (shift_id (ctx->gids, ctx->n_gids, st->st_gid, &gid) < 0)
    return shim_make_error (err, EOVERFLOW, "owner gid %u of `%s` has no id in the container's map",
                            (unsigned)st->st_gid, rel);
  if (fchownat (ddir, name, (uid_t)uid, (gid_t)gid, AT_SYMLINK_NOFOLLOW) < 0)
    return shim_make_error (err, errno, "chown the copy of `%s` to %llu:%llu", rel, uid, gid);
  if (!S_ISLNK (st->st_mode) && fchmodat (ddir, name, st->st_mode & 07777, 0) < 0)
    return shim_make_error (err, errno, "chmod the copy of `%s`", rel);
  return copy_xattrs (sdir, ddir, name, rel, err);
}

static int
set_times (int ddir, const char *name, const struct stat *st, const char *rel, shim_error_t *err)
{
  struct timespec ts[2] = { st->st_atim, st->st_mtim };

  if (utimensat (ddir, name, ts, AT_SYMLINK_NOFOLLOW) < 0)
    return shim_make_error (err, errno, "setting the times of the copy of `%s`", rel);
  return 0;
}

static int
copy_data (int in, int out, const char *rel, shim_error_t *err)
{
  char buf[65536];
  ssize_t n;

  for (;;)
    {
      n = copy_file_range (in, NULL, out, NULL, 1 << 30, 0);
      if (n == 0)
        return 0;
      if (n > 0)
        continue;
      if (errno == EINTR)
        continue;
      if (errno != EXDEV && errno != ENOSYS && errno != EINVAL && errno != EOPNOTSUPP)
        return shim_make_error (err, errno, "copying `%s`", rel);
      break;
    }
  while ((n = read (in, buf, sizeof (buf))) != 0)
    {
      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0 || shim_write_all (out, buf, (size_t)n) < 0)
        return shim_make_error (err, errno, "copying `%s`", rel);
    }
  return 0;
}

/* A hard link to a file already copied: 1 when linked, 0 when this is the first of its links. */
static int
copy_hardlink (struct copy_ctx_s *ctx, int ddir, const char *name, const char *rel, const struct stat *st,
               shim_error_t *err)
{
  size_t i;

  for (i = 0; i < ctx->n_links; i++)
    if (ctx->links[i].dev == st->st_dev && ctx->links[i].ino == st->st_ino)
      {
        if (linkat (ctx->target_root, ctx->links[i].path, ddir, name, 0) < 0)
          return shim_make_error (err, errno, "hard link `%s` to `%s`", rel, ctx->links[i].path);
        return 1;
      }
  if (ctx->n_links == ctx->cap_links)
    {
      ctx->cap_links = ctx->cap_links ? ctx->cap_links * 2 : 64;
      ctx->links = xrealloc (ctx->links, ctx->cap_links * sizeof (*ctx->links));
    }
  ctx->links[ctx->n_links++] = (struct copy_link_s){ st->st_dev, st->st_ino, xstrdup (rel) };
  return 0;
}

static int copy_tree (struct copy_ctx_s *ctx, int sdir, int ddir, const char *rel, shim_error_t *err);

static int
copy_entry (struct copy_ctx_s *ctx, int sdir, int ddir, const char *name, const char *rel, shim_error_t *err)
{
  struct stat st;
  int r;

  if (fstatat (sdir, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
    return shim_make_error (err, errno, "stat `%s`", rel);
  if (S_ISDIR (st.st_mode))
    {
      cleanup_close int s = -1, d = -1;
      if (mkdirat (ddir, name, 0700) < 0)
        return shim_make_error (err, errno, "mkdir the copy of `%s`", rel);
      s = open_beneath (sdir, name, O_RDONLY | O_DIRECTORY);
      d = open_beneath (ddir, name, O_RDONLY | O_DIRECTORY);
      if (s < 0 || d < 0)
        return shim_make_error (err, errno, "open directory `%s`", rel);
      if (copy_tree (ctx, s, d, rel, err) < 0)
        return -1;
    }
  else if (S_ISREG (st.st_mode))
    {
      cleanup_close int s = -1, d = -1;
      r = st.st_nlink > 1 ? copy_hardlink (ctx, ddir, name, rel, &st, err) : 0;
      if (r != 0)
        return r < 0 ? -1 : 0;
      s = open_beneath (sdir, name, O_RDONLY);
      if (s < 0)
        return shim_make_error (err, errno, "open `%s`", rel);
      d = openat (ddir, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
      if (d < 0)
        return shim_make_error (err, errno, "create the copy of `%s`", rel);
      if (copy_data (s, d, rel, err) < 0)
        return -1;
    }
  else if (S_ISLNK (st.st_mode))
    {
      char target[PATH_MAX + 1];
      ssize_t n = readlinkat (sdir, name, target, sizeof (target) - 1);
      if (n < 0)
        return shim_make_error (err, errno, "readlink `%s`", rel);
      target[n] = '\0';
      if (symlinkat (target, ddir, name) < 0)
        return shim_make_error (err, errno, "symlink the copy of `%s`", rel);
    }
  else if (mknodat (ddir, name, (st.st_mode & S_IFMT) | 0600, st.st_rdev) < 0)
    return shim_make_error (err, errno, "mknod the copy of `%s`", rel);
  if (copy_attrs (ctx, sdir, ddir, name, rel, &st, err) < 0 || set_times (ddir, name, &st, rel, err) < 0)
    return -1;
  ctx->done++;
  return 0;
}

static int
copy_tree (struct copy_ctx_s *ctx, int sdir, int ddir, const char *rel, shim_error_t *err)
{
  DIR *dir = shim_opendir_dup (sdir);
  struct dirent *de;
  int ret = 0;

  if (dir == NULL)
    return shim_make_error (err, errno, "reading directory `%s`", rel[0] ? rel : ".");
  while (ret == 0 && (errno = 0, de = readdir (dir)) != NULL)
    {
      cleanup_free char *child = NULL;
      if (strcmp (de->d_name, ".") == 0 || strcmp (de->d_name, "..") == 0)
        continue;
      if (rel[0])
        xasprintf (&child, "%s/%s", rel, de->d_name);
      else
        child = xstrdup (de->d_name);
      ret = copy_entry (ctx, sdir, ddir, de->d_name, child, err);
    }
  if (ret == 0 && errno != 0)
    ret = shim_make_error (err, errno, "reading directory `%s`", rel[0] ? rel : ".");
  closedir (dir);
  return ret;
}

static int
do_copy_shifted (json_object *req, int *done, shim_error_t *err)
{
  json_object *src_o, *dst_o;
  struct copy_ctx_s ctx = { 0 };
  cleanup_close int sfd = -1, dfd = -1;
  struct stat st;
  const char *src, *dst;
  size_t i;
  int ret;

  if (!json_object_object_get_ex (req, "source", &src_o) || !json_object_object_get_ex (req, "target", &dst_o)
      || (src = json_object_get_string (src_o))[0] != '/' || (dst = json_object_get_string (dst_o))[0] != '/')
    return shim_make_error (err, EINVAL, "copy-shifted needs an absolute `source` and `target`");
  if (parse_shift (req, "uidShift", &ctx.uids, &ctx.n_uids, err) < 0
      || parse_shift (req, "gidShift", &ctx.gids, &ctx.n_gids, err) < 0)
    {
      free (ctx.uids);
      free (ctx.gids);
      return -1;
    }
  sfd = open (src, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (sfd < 0 || fstat (sfd, &st) < 0)
    ret = shim_make_error (err, errno, "open source `%s`", src);
  else if (mkdir (dst, 0700) < 0)
    ret = shim_make_error (err, errno, "create target `%s`", dst);
  else if ((dfd = open (dst, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)) < 0)
    ret = shim_make_error (err, errno, "open target `%s`", dst);
  else
    {
      ctx.target_root = dfd;
      ret = copy_tree (&ctx, sfd, dfd, "", err);
      /* the root itself: owner, mode, xattrs, times (through its parent would need its name) */
      if (ret == 0)
        {
          unsigned long long uid, gid;
          struct timespec ts[2] = { st.st_atim, st.st_mtim };
          if (shift_id (ctx.uids, ctx.n_uids, st.st_uid, &uid) < 0
              || shift_id (ctx.gids, ctx.n_gids, st.st_gid, &gid) < 0)
            ret = shim_make_error (err, EOVERFLOW, "owner %u:%u of `%s` has no id in the container's map",
                                   (unsigned)st.st_uid, (unsigned)st.st_gid, src);
          else if (fchown (dfd, (uid_t)uid, (gid_t)gid) < 0 || fchmod (dfd, st.st_mode & 07777) < 0
                   || futimens (dfd, ts) < 0)
            ret = shim_make_error (err, errno, "setting the owner and mode of `%s`", dst);
        }
    }
  for (i = 0; i < ctx.n_links; i++)
    free (ctx.links[i].path);
  free (ctx.links);
  free (ctx.uids);
  free (ctx.gids);
  *done = ctx.done;
  return ret;
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
  else if (strcmp (json_object_get_string (op), "copy-shifted") == 0)
    r = do_copy_shifted (req, &done, &err);
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
