/* archive_put.c -- `skiff-shim archive put`: a tar from stdin extracted in the container
 * (see archive.h). */
#define _GNU_SOURCE
#include <dirent.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <time.h>
#include <unistd.h>

#include "archive.h"
#include "archive_fs.h"
#include "tar.h"
#include "utils.h"

/* ---- put -------------------------------------------------------------------------------------- */

struct dir_fix_s
{
  char *path; /* container path */
  uint32_t mode;
  struct timespec mtime;
};

struct put_ctx_s
{
  const struct shim_archive_opts_s *o;
  int rootfd;
  const char *dest; /* container path of the extraction directory */
  struct dir_fix_s *dirs;
  size_t n_dirs, cap_dirs;
  unsigned char *data;
  int entries;
};

static ssize_t
read_stdin (void *ctx, void *buf, size_t len)
{
  (void)ctx;
  return read (0, buf, len);
}

/* Creates the directory `dir` (a container path whose parent exists), 0755, owned like --chown. */
static int
mkdir_one (struct put_ctx_s *p, char *dir, shim_error_t *err)
{
  char *slash = strrchr (dir, '/');
  cleanup_close int pfd = -1;

  *slash = '\0';
  pfd = shim_archive_open_in_root (p->rootfd, dir[0] ? dir : "/", O_PATH | O_DIRECTORY, 1);
  *slash = '/';
  if (pfd < 0)
    return shim_make_error (err, errno, "open the directory of `%s`", dir);
  if (mkdirat (pfd, slash + 1, 0755) < 0)
    return errno == EEXIST ? 0 : shim_make_error (err, errno, "create directory `%s`", dir);
  if (p->o->chown
      && fchownat (pfd, slash + 1, (uid_t)p->o->chown_uid, (gid_t)p->o->chown_gid, AT_SYMLINK_NOFOLLOW) < 0)
    return shim_make_error (err, errno, "chown directory `%s`", dir);
  return 0;
}

/* Opens the parent directory of container path `cpath` (below p->dest; missing directories are
   created), sets *leaf to its last component. */
static int
open_parent (struct put_ctx_s *p, const char *cpath, const char **leaf, shim_error_t *err)
{
  cleanup_free char *dir = xstrdup (cpath);
  size_t i, base = strcmp (p->dest, "/") == 0 ? 1 : strlen (p->dest) + 1;
  int fd;

  *leaf = strrchr (cpath, '/') + 1;
  *strrchr (dir, '/') = '\0';
  fd = shim_archive_open_in_root (p->rootfd, dir[0] ? dir : "/", O_PATH | O_DIRECTORY, 1);
  if (fd >= 0 || errno != ENOENT || strlen (dir) < base)
    return fd >= 0 ? fd : shim_make_error (err, errno, "open the directory of `%s`", cpath);
  for (i = base;; i++)
    if (dir[i] == '/' || dir[i] == '\0')
      {
        char save = dir[i];
        dir[i] = '\0';
        if (mkdir_one (p, dir, err) < 0)
          return -1;
        dir[i] = save;
        if (save == '\0')
          break;
      }
  fd = shim_archive_open_in_root (p->rootfd, dir, O_PATH | O_DIRECTORY, 1);
  return fd >= 0 ? fd : shim_make_error (err, errno, "open the directory of `%s`", cpath);
}

static int
remove_tree (int dirfd, const char *name, shim_error_t *err)
{
  cleanup_close int fd = openat (dirfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  DIR *dir;
  struct dirent *de;

  if (fd < 0)
    return shim_make_error (err, errno, "open `%s` to replace it", name);
  dir = fdopendir (dup (fd));
  if (dir == NULL)
    return shim_make_error (err, errno, "read `%s` to replace it", name);
  while ((de = readdir (dir)) != NULL)
    {
      if (strcmp (de->d_name, ".") == 0 || strcmp (de->d_name, "..") == 0)
        continue;
      if (unlinkat (fd, de->d_name, 0) < 0
          && (errno != EISDIR || remove_tree (fd, de->d_name, err) < 0))
        {
          closedir (dir);
          return *err ? -1 : shim_make_error (err, errno, "remove `%s`", de->d_name);
        }
    }
  closedir (dir);
  if (unlinkat (dirfd, name, AT_REMOVEDIR) < 0)
    return shim_make_error (err, errno, "remove directory `%s`", name);
  return 0;
}

/* Makes room for a new entry of kind `is_dir` at pfd/leaf: 1 = an existing directory to keep
   (is_dir), 0 = nothing there now. */
static int
make_room (struct put_ctx_s *p, int pfd, const char *leaf, int is_dir, const char *name, shim_error_t *err)
{
  struct stat st;

  if (fstatat (pfd, leaf, &st, AT_SYMLINK_NOFOLLOW) < 0)
    return errno == ENOENT ? 0 : shim_make_error (err, errno, "`%s`", name);
  if (S_ISDIR (st.st_mode) && is_dir)
    return 1;
  if (p->o->no_overwrite && S_ISDIR (st.st_mode) != !!is_dir)
    return shim_make_error (err, EEXIST, is_dir ? "cannot overwrite non-directory `%s` with a directory"
                                                : "cannot overwrite directory `%s` with a non-directory",
                            name);
  if (S_ISDIR (st.st_mode))
    return remove_tree (pfd, leaf, err) < 0 ? -1 : 0;
  if (unlinkat (pfd, leaf, 0) < 0)
    return shim_make_error (err, errno, "replace `%s`", name);
  return 0;
}

static int
put_data (struct put_ctx_s *p, shim_tar_reader_t *r, int fd, const char *name, shim_error_t *err)
{
  for (;;)
    {
      ssize_t n = shim_tar_reader_data (r, p->data, SHIM_ARCHIVE_IO_BUF, err);
      if (n < 0)
        return -1;
      if (n == 0)
        return 0;
      if (shim_write_all (fd, p->data, (size_t)n) < 0)
        return shim_make_error (err, errno, "writing `%s`", name);
    }
}

static int
put_link (struct put_ctx_s *p, const char *linkname, int pfd, const char *leaf, const char *name, shim_error_t *err)
{
  cleanup_free char *clean = shim_tar_clean_name (linkname), *renamed = NULL, *cpath = NULL;
  cleanup_close int tfd = -1;
  const char *tleaf;

  if (clean == NULL || clean[0] == '\0')
    return shim_make_error (err, EINVAL, "hard link `%s` points outside the archive (`%s`)", name, linkname);
  renamed = shim_archive_rename (clean, p->o->renames, p->o->n_renames);
  xasprintf (&cpath, "%s/%s", strcmp (p->dest, "/") == 0 ? "" : p->dest, renamed);
  tfd = open_parent (p, cpath, &tleaf, err);
  if (tfd < 0)
    return -1;
  if (linkat (tfd, tleaf, pfd, leaf, 0) < 0)
    return shim_make_error (err, errno, "hard link `%s` to `%s`", name, linkname);
  return 0;
}

static int
record_dir (struct put_ctx_s *p, const char *cpath, const struct shim_tar_entry_s *e)
{
  if (p->n_dirs == p->cap_dirs)
    {
      p->cap_dirs = p->cap_dirs ? p->cap_dirs * 2 : 64;
      p->dirs = xrealloc (p->dirs, p->cap_dirs * sizeof (*p->dirs));
    }
  p->dirs[p->n_dirs++]
      = (struct dir_fix_s){ xstrdup (cpath), e->mode, { (time_t)e->mtime_sec, e->mtime_nsec } };
  return 0;
}

/* Creates one entry; owner, mode and times follow. */
static int
put_entry (struct put_ctx_s *p, shim_tar_reader_t *r, const char *cpath, const char *name, shim_error_t *err)
{
  const struct shim_tar_entry_s *e = &r->entry;
  cleanup_close int pfd = -1, fd = -1;
  const char *leaf;
  int64_t uid = p->o->chown ? p->o->chown_uid : e->uid, gid = p->o->chown ? p->o->chown_gid : e->gid;
  int r2;

  pfd = open_parent (p, cpath, &leaf, err);
  if (pfd < 0)
    return -1;
  r2 = make_room (p, pfd, leaf, e->type == SHIM_TAR_DIR, name, err);
  if (r2 < 0)
    return -1;
  switch (e->type)
    {
    case SHIM_TAR_DIR:
      if (r2 == 0 && mkdirat (pfd, leaf, 0700) < 0)
        return shim_make_error (err, errno, "create directory `%s`", name);
      record_dir (p, cpath, e);
      break;
    case SHIM_TAR_REG:
      fd = openat (pfd, leaf, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
      if (fd < 0)
        return shim_make_error (err, errno, "create `%s`", name);
      if (put_data (p, r, fd, name, err) < 0)
        return -1;
      break;
    case SHIM_TAR_SYMLINK:
      if (symlinkat (e->linkname, pfd, leaf) < 0)
        return shim_make_error (err, errno, "create symlink `%s`", name);
      break;
    case SHIM_TAR_LINK:
      return put_link (p, e->linkname, pfd, leaf, name, err); /* shares the target's owner and mode */
    case SHIM_TAR_CHAR:
    case SHIM_TAR_BLOCK_DEV:
    case SHIM_TAR_FIFO:
      {
        mode_t kind = e->type == SHIM_TAR_CHAR ? S_IFCHR : e->type == SHIM_TAR_BLOCK_DEV ? S_IFBLK : S_IFIFO;
        if (mknodat (pfd, leaf, kind | 0600, makedev (e->devmajor, e->devminor)) < 0)
          return shim_make_error (err, errno, "create %s `%s`%s", kind == S_IFIFO ? "fifo" : "device node", name,
                                  errno == EPERM ? " (device nodes cannot be created in the container's user namespace)"
                                                 : "");
        break;
      }
    default:
      return shim_make_error (err, EINVAL, "entry `%s`: unsupported type `%c`", name, e->type);
    }
  if (fchownat (pfd, leaf, (uid_t)uid, (gid_t)gid, AT_SYMLINK_NOFOLLOW) < 0)
    return shim_make_error (err, errno == EINVAL ? EOVERFLOW : errno,
                            "owner %lld:%lld of `%s`%s", (long long)uid, (long long)gid, name,
                            errno == EINVAL ? " is not mapped in the container's user namespace" : "");
  if (e->type != SHIM_TAR_SYMLINK && e->type != SHIM_TAR_DIR)
    {
      struct timespec ts[2] = { { (time_t)e->mtime_sec, e->mtime_nsec }, { (time_t)e->mtime_sec, e->mtime_nsec } };
      /* after the chown, which clears setuid/setgid */
      if ((fd >= 0 ? fchmod (fd, e->mode & 07777) : fchmodat (pfd, leaf, e->mode & 07777, 0)) < 0)
        return shim_make_error (err, errno, "chmod `%s`", name);
      if (utimensat (pfd, leaf, ts, AT_SYMLINK_NOFOLLOW) < 0)
        return shim_make_error (err, errno, "set the times of `%s`", name);
    }
  else if (e->type == SHIM_TAR_SYMLINK)
    {
      struct timespec ts[2] = { { (time_t)e->mtime_sec, e->mtime_nsec }, { (time_t)e->mtime_sec, e->mtime_nsec } };
      utimensat (pfd, leaf, ts, AT_SYMLINK_NOFOLLOW); /* best effort, as tar */
    }
  return 0;
}

/* Directories last, deepest first: their modes (possibly read-only) and times. */
static int
fix_dirs (struct put_ctx_s *p, shim_error_t *err)
{
  size_t i;
  int ret = 0;

  for (i = p->n_dirs; i-- > 0;)
    {
      struct dir_fix_s *d = &p->dirs[i];
      cleanup_close int fd = shim_archive_open_in_root (p->rootfd, d->path, O_RDONLY | O_DIRECTORY, 0);
      struct timespec ts[2] = { d->mtime, d->mtime };

      if (ret == 0 && (fd < 0 || fchmod (fd, d->mode & 07777) < 0 || futimens (fd, ts) < 0))
        ret = shim_make_error (err, errno, "setting the mode and times of `%s`", d->path);
      free (d->path);
    }
  free (p->dirs);
  p->dirs = NULL;
  return ret;
}

int
shim_archive_put (int rootfd, const struct shim_archive_opts_s *o, shim_error_t *err)
{
  struct put_ctx_s p = { .o = o, .rootfd = rootfd };
  shim_tar_reader_t r;
  cleanup_close int dfd = shim_archive_open_in_root (rootfd, o->path, O_PATH, 1);
  cleanup_free char *dest = NULL;
  struct stat st;
  int got, ret = 0;

  if (dfd < 0 || fstat (dfd, &st) < 0)
    return shim_make_error (err, errno, "`%s`", o->path);
  if (!S_ISDIR (st.st_mode))
    return shim_make_error (err, ENOTDIR, "extraction point `%s` is not a directory", o->path);
  if (shim_archive_resolve_path (rootfd, o->path, &dest, err) < 0)
    return -1;
  p.dest = dest;
  p.data = xmalloc (SHIM_ARCHIVE_IO_BUF);
  shim_tar_reader_init (&r, read_stdin, NULL);
  while (ret == 0 && (got = shim_tar_reader_next (&r, err)) != 0)
    {
      cleanup_free char *clean = NULL, *renamed = NULL, *cpath = NULL;

      if (got < 0)
        {
          ret = -1;
          break;
        }
      clean = shim_tar_clean_name (r.entry.name);
      if (clean == NULL)
        {
          ret = shim_make_error (err, EINVAL, "tar entry `%s` points outside the destination", r.entry.name);
          break;
        }
      if (clean[0] == '\0') /* "." or "./": the destination itself */
        continue;
      renamed = shim_archive_rename (clean, o->renames, o->n_renames);
      xasprintf (&cpath, "%s/%s", strcmp (dest, "/") == 0 ? "" : dest, renamed);
      if (put_entry (&p, &r, cpath, renamed, err) < 0)
        ret = -1;
      else
        p.entries++;
    }
  {
    shim_error_t later = NULL; /* after an earlier error, the directories are fixed but it is kept */
    if (fix_dirs (&p, ret == 0 ? err : &later) < 0 && ret == 0)
      ret = -1;
    shim_error_release (&later);
  }
  /* what follows the end marker (record padding, trailing zeros some clients send) is read and
     dropped: the daemon must not see its write fail */
  while (ret == 0)
    {
      ssize_t n = read (0, p.data, SHIM_ARCHIVE_IO_BUF);
      if (n == 0 || (n < 0 && errno != EINTR))
        break;
    }
  shim_tar_reader_free (&r);
  free (p.data);
  if (ret == 0)
    {
      printf ("{\"entries\":%d}\n", p.entries);
      fflush (stdout);
    }
  return ret;
}
