/* archive_get.c -- `skiff-shim archive get`: a path of the container as a tar on stdout
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

/* ---- get -------------------------------------------------------------------------------------- */

struct out_s
{
  int fd;
  unsigned char *buf;
  size_t len;
};

static int
out_flush (struct out_s *o, shim_error_t *err)
{
  if (o->len && shim_write_all (o->fd, o->buf, o->len) < 0)
    return shim_make_error (err, errno, "writing the tar stream");
  o->len = 0;
  return 0;
}

static int
out_write (struct out_s *o, const void *data, size_t len, shim_error_t *err)
{
  if (o->len + len > SHIM_ARCHIVE_IO_BUF && out_flush (o, err) < 0)
    return -1;
  if (len >= SHIM_ARCHIVE_IO_BUF)
    return shim_write_all (o->fd, data, len) < 0 ? shim_make_error (err, errno, "writing the tar stream") : 0;
  memcpy (o->buf + o->len, data, len);
  o->len += len;
  return 0;
}

struct link_s
{
  dev_t dev;
  ino_t ino;
  char *name;
};

struct get_ctx_s
{
  struct out_s out;
  struct link_s *links;
  size_t n_links, cap_links;
  unsigned char *data;
  int from_root; /* walking "/": /proc, /sys, /dev are left out */
  int one_fs;    /* only what is on the mount the walk started on (mnt_id) */
  uint64_t mnt_id;
};

/* The id of the mount dirfd/leaf is on (not following leaf); 0 with errno on failure. */
static uint64_t
mount_id (int dirfd, const char *leaf)
{
  struct statx stx;

  if (statx (dirfd, leaf, AT_SYMLINK_NOFOLLOW | (leaf[0] ? 0 : AT_EMPTY_PATH), STATX_MNT_ID, &stx) < 0)
    return 0;
  if (!(stx.stx_mask & STATX_MNT_ID))
    {
      errno = ENOTSUP;
      return 0;
    }
  return stx.stx_mnt_id;
}

static int get_entry (struct get_ctx_s *g, int dirfd, const char *leaf, const char *tarname, int depth,
                      shim_error_t *err);

static int
write_file_data (struct get_ctx_s *g, int fd, uint64_t size, const char *tarname, shim_error_t *err)
{
  uint64_t left = size;
  static const unsigned char zeros[SHIM_TAR_BLOCK];

  while (left > 0)
    {
      size_t want = left < SHIM_ARCHIVE_IO_BUF ? (size_t)left : SHIM_ARCHIVE_IO_BUF;
      ssize_t n = read (fd, g->data, want);
      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        return shim_make_error (err, errno, "reading `%s`", tarname);
      if (n == 0) /* shrank while read: zeros keep the archive consistent */
        {
          memset (g->data, 0, want);
          n = (ssize_t)want;
        }
      if (out_write (&g->out, g->data, (size_t)n, err) < 0)
        return -1;
      left -= (uint64_t)n;
    }
  if (size % SHIM_TAR_BLOCK)
    return out_write (&g->out, zeros, SHIM_TAR_BLOCK - size % SHIM_TAR_BLOCK, err);
  return 0;
}

static int
get_children (struct get_ctx_s *g, int dfd, const char *tarname, int depth, shim_error_t *err)
{
  DIR *dir = shim_opendir_dup (dfd);
  struct dirent *de;
  int ret = 0;

  if (dir == NULL)
    return shim_make_error (err, errno, "reading directory `%s`", tarname);
  while (ret == 0 && (errno = 0, de = readdir (dir)) != NULL)
    {
      cleanup_free char *child = NULL;

      if (strcmp (de->d_name, ".") == 0 || strcmp (de->d_name, "..") == 0)
        continue;
      if (g->from_root && depth == 0
          && (strcmp (de->d_name, "proc") == 0 || strcmp (de->d_name, "sys") == 0 || strcmp (de->d_name, "dev") == 0))
        continue;
      if (tarname[0])
        xasprintf (&child, "%s/%s", tarname, de->d_name);
      else
        child = xstrdup (de->d_name);
      ret = get_entry (g, dirfd (dir), de->d_name, child, depth + 1, err);
    }
  if (ret == 0 && errno != 0)
    ret = shim_make_error (err, errno, "reading directory `%s`", tarname);
  closedir (dir);
  return ret;
}

/* A hard link to a file already in the archive: its name, or NULL (and it is recorded). */
static const char *
known_link (struct get_ctx_s *g, const struct stat *st, const char *tarname)
{
  size_t i;

  for (i = 0; i < g->n_links; i++)
    if (g->links[i].dev == st->st_dev && g->links[i].ino == st->st_ino)
      return g->links[i].name;
  if (g->n_links == g->cap_links)
    {
      g->cap_links = g->cap_links ? g->cap_links * 2 : 64;
      g->links = xrealloc (g->links, g->cap_links * sizeof (*g->links));
    }
  g->links[g->n_links++] = (struct link_s){ st->st_dev, st->st_ino, xstrdup (tarname) };
  return NULL;
}

/* One entry (dirfd/leaf, never following leaf), recursively for directories; tarname "" = the
   contents of a directory without the directory itself. */
static int
get_entry (struct get_ctx_s *g, int dirfd, const char *leaf, const char *tarname, int depth, shim_error_t *err)
{
  struct shim_tar_entry_s e = { 0 };
  unsigned char hdr[3 * 4096];
  char target[PATH_MAX + 1];
  cleanup_close int fd = -1;
  cleanup_free char *dirname = NULL;
  struct stat st;
  ssize_t hl;
  int one_fs_mount_point = 0;

  if (fstatat (dirfd, leaf, &st, AT_SYMLINK_NOFOLLOW) < 0)
    {
      if (errno == ENOENT && depth > 0) /* removed meanwhile */
        return 0;
      return shim_make_error (err, errno, "`%s`", tarname[0] ? tarname : leaf);
    }
  if (g->one_fs && depth > 0)
    {
      uint64_t id = mount_id (dirfd, leaf);
      if (id == 0)
        return shim_make_error (err, errno, "statx `%s`", tarname);
      if (id != g->mnt_id && !S_ISDIR (st.st_mode))
        return 0; /* a file mounted over (e.g. /etc/hosts): not the container's own */
      if (id != g->mnt_id)
        one_fs_mount_point = 1;
    }
  e.mode = st.st_mode & 07777;
  e.uid = st.st_uid;
  e.gid = st.st_gid;
  e.mtime_sec = st.st_mtim.tv_sec;
  e.linkname = (char *)"";
  e.name = (char *)tarname;
  if (S_ISDIR (st.st_mode))
    {
      fd = openat (dirfd, leaf, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
      if (fd < 0 && (errno == EACCES || errno == EPERM) && depth > 0)
        return 0; /* unreadable for the container's root (e.g. a host-owned mount): skipped */
      if (fd < 0)
        return shim_make_error (err, errno, "open directory `%s`", tarname[0] ? tarname : leaf);
      if (tarname[0] == '\0')
        return get_children (g, fd, tarname, depth, err);
      e.type = SHIM_TAR_DIR;
      xasprintf (&dirname, "%s/", tarname);
      e.name = dirname;
      if ((hl = shim_tar_header_build (&e, hdr, sizeof (hdr), err)) < 0 || out_write (&g->out, hdr, (size_t)hl, err) < 0)
        return -1;
      if (one_fs_mount_point) /* another mount (a volume, a tmpfs): the directory, not its contents */
        return 0;
      return get_children (g, fd, tarname, depth, err);
    }
  if (S_ISREG (st.st_mode))
    {
      const char *first = st.st_nlink > 1 ? known_link (g, &st, tarname) : NULL;
      if (first)
        {
          e.type = SHIM_TAR_LINK;
          e.linkname = (char *)first;
        }
      else
        {
          fd = openat (dirfd, leaf, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
          if (fd < 0 && (errno == EACCES || errno == EPERM) && depth > 0)
            return 0;
          if (fd < 0)
            return shim_make_error (err, errno, "open `%s`", tarname);
          e.type = SHIM_TAR_REG;
          e.size = (uint64_t)st.st_size;
        }
    }
  else if (S_ISLNK (st.st_mode))
    {
      ssize_t n = readlinkat (dirfd, leaf, target, PATH_MAX);
      if (n < 0)
        return shim_make_error (err, errno, "readlink `%s`", tarname);
      target[n] = '\0';
      e.type = SHIM_TAR_SYMLINK;
      e.linkname = target;
    }
  else if (S_ISCHR (st.st_mode) || S_ISBLK (st.st_mode))
    {
      e.type = S_ISCHR (st.st_mode) ? SHIM_TAR_CHAR : SHIM_TAR_BLOCK_DEV;
      e.devmajor = major (st.st_rdev);
      e.devminor = minor (st.st_rdev);
    }
  else if (S_ISFIFO (st.st_mode))
    e.type = SHIM_TAR_FIFO;
  else
    return 0; /* sockets: tar has no type for them */
  if ((hl = shim_tar_header_build (&e, hdr, sizeof (hdr), err)) < 0 || out_write (&g->out, hdr, (size_t)hl, err) < 0)
    return -1;
  if (e.type == SHIM_TAR_REG)
    return write_file_data (g, fd, e.size, tarname, err);
  return 0;
}

int
shim_archive_get (int rootfd, const char *path, int one_file_system, shim_error_t *err)
{
  struct get_ctx_s g = { .out = { .fd = 1 }, .one_fs = one_file_system };
  const char *req = shim_archive_request_path (path);
  size_t len = strlen (req);
  int contents = len >= 2 && strcmp (req + len - 2, "/.") == 0;
  cleanup_free char *base = shim_archive_base (req), *parent = NULL, *clean = shim_tar_clean_name (req);
  cleanup_close int pfd = -1;
  static const unsigned char end[2 * SHIM_TAR_BLOCK];
  int ret;
  size_t i;

  if (clean == NULL)
    clean = xstrdup ("");
  g.from_root = clean[0] == '\0';
  /* the parent of the last component, so that the last one itself is not followed */
  if (contents || clean[0] == '\0')
    pfd = shim_archive_open_in_root (rootfd, req, O_PATH | O_DIRECTORY, 1);
  else
    {
      char *slash = strrchr (clean, '/');
      parent = slash ? strndup (clean, (size_t)(slash - clean)) : xstrdup ("");
      pfd = shim_archive_open_in_root (rootfd, parent, O_PATH | O_DIRECTORY, 1);
      if (req[len - 1] == '/') /* "dir/": the directory the name resolves to */
        {
          struct stat st;
          cleanup_close int dfd = shim_archive_open_in_root (rootfd, req, O_PATH | O_DIRECTORY, 1);
          if (dfd < 0 || fstat (dfd, &st) < 0)
            return shim_make_error (err, errno, "`%s`", path);
        }
    }
  if (pfd < 0)
    return shim_make_error (err, errno, "`%s`", path);
  if (g.one_fs && (g.mnt_id = mount_id (pfd, "")) == 0)
    return shim_make_error (err, errno, "statx `%s`", path);
  g.out.buf = xmalloc (SHIM_ARCHIVE_IO_BUF);
  g.data = xmalloc (SHIM_ARCHIVE_IO_BUF);
  if (contents || clean[0] == '\0')
    ret = get_entry (&g, pfd, ".", "", 0, err);
  else
    {
      const char *leaf = strrchr (clean, '/') ? strrchr (clean, '/') + 1 : clean;
      ret = get_entry (&g, pfd, leaf, base, 0, err);
    }
  if (ret == 0 && (out_write (&g.out, end, sizeof (end), err) < 0 || out_flush (&g.out, err) < 0))
    ret = -1;
  for (i = 0; i < g.n_links; i++)
    free (g.links[i].name);
  free (g.links);
  free (g.out.buf);
  free (g.data);
  return ret;
}
