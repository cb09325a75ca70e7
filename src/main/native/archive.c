/* archive.c -- `skiff-shim archive`: stat, get (tar out) and put (tar in) inside a container
 * (see archive.h). */
#define _GNU_SOURCE
#include <dirent.h>
#include <fcntl.h>
#include <getopt.h>
#include <json-c/json.h>
#include <limits.h>
#include <linux/openat2.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "archive.h"
#include "cloned_binary.h"
#include "container.h"
#include "holder.h"
#include "mounts.h"
#include "namespaces.h"
#include "tar.h"
#include "userns.h"
#include "utils.h"

#define IO_BUF (256 * 1024)
#define MAX_RENAMES 64

struct archive_opts_s
{
  const char *op, *path, *bundle, *holder;
  pid_t pid;
  int chown, no_overwrite;
  int64_t chown_uid, chown_gid;
  char *renames[MAX_RENAMES];
  int n_renames;
};

/* ---- pure helpers ----------------------------------------------------------------------------- */

uint32_t
shim_go_file_mode (mode_t mode)
{
  uint32_t m = mode & 0777;

  switch (mode & S_IFMT)
    {
    case S_IFDIR:
      m |= 1u << 31;
      break;
    case S_IFLNK:
      m |= 1u << 27;
      break;
    case S_IFBLK:
      m |= 1u << 26;
      break;
    case S_IFCHR:
      m |= (1u << 26) | (1u << 21);
      break;
    case S_IFIFO:
      m |= 1u << 25;
      break;
    case S_IFSOCK:
      m |= 1u << 24;
      break;
    default:
      break;
    }
  if (mode & S_ISUID)
    m |= 1u << 23;
  if (mode & S_ISGID)
    m |= 1u << 22;
  if (mode & S_ISVTX)
    m |= 1u << 20;
  return m;
}

char *
shim_archive_base (const char *path)
{
  size_t len = strlen (path);
  const char *start;

  while (len > 1 && path[len - 1] == '/')
    len--;
  if (len == 0)
    return xstrdup (".");
  if (len == 1 && path[0] == '/')
    return xstrdup ("/");
  start = path + len;
  while (start > path && start[-1] != '/')
    start--;
  return strndup (start, (size_t)(path + len - start));
}

char *
shim_archive_rename (const char *name, char *const *renames, int n_renames)
{
  int i;

  for (i = 0; i < n_renames; i++)
    {
      const char *eq = strchr (renames[i], '=');
      size_t olen;
      char *out;

      if (eq == NULL)
        continue;
      olen = (size_t)(eq - renames[i]);
      if (strncmp (name, renames[i], olen) == 0 && (name[olen] == '\0' || name[olen] == '/'))
        {
          xasprintf (&out, "%s%s", eq + 1, name + olen);
          return out;
        }
    }
  return xstrdup (name);
}

/* ---- resolving inside the root ---------------------------------------------------------------- */

static int
open_in_root (int rootfd, const char *path, int flags, int follow)
{
  struct open_how how = { .flags = (unsigned long long)(flags | O_CLOEXEC | (follow ? 0 : O_NOFOLLOW)),
                          .resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS };
  const char *p = path;
  int fd;

  while (*p == '/')
    p++;
  do
    fd = (int)syscall (SYS_openat2, rootfd, *p ? p : ".", &how, sizeof (how));
  while (fd < 0 && errno == EAGAIN);
  return fd;
}

/* The absolute path `path` names with every symlink resolved inside the root (userspace: there is
   no /proc of ours in the container's mount namespace).  A missing last component is kept. */
static int
resolve_path (int rootfd, const char *path, char **out, shim_error_t *err)
{
  cleanup_free char *todo = xstrdup (path), *res = xmalloc (PATH_MAX + 1);
  size_t rlen = 0;
  int links = 0;
  char *p = todo;

  res[0] = '\0';
  while (*p)
    {
      char *slash, comp[NAME_MAX + 1];
      size_t n;
      struct stat st;

      while (*p == '/')
        p++;
      if (!*p)
        break;
      slash = strchr (p, '/');
      n = slash ? (size_t)(slash - p) : strlen (p);
      if (n > NAME_MAX)
        return shim_make_error (err, ENAMETOOLONG, "`%s`", path);
      memcpy (comp, p, n);
      comp[n] = '\0';
      p += n;
      if (strcmp (comp, ".") == 0)
        continue;
      if (strcmp (comp, "..") == 0)
        {
          while (rlen > 0 && res[rlen - 1] != '/')
            rlen--;
          if (rlen > 0)
            rlen--;
          res[rlen] = '\0';
          continue;
        }
      if (rlen + 1 + n > PATH_MAX)
        return shim_make_error (err, ENAMETOOLONG, "`%s`", path);
      res[rlen] = '/';
      memcpy (res + rlen + 1, comp, n + 1);
      if (fstatat (rootfd, res + 1, &st, AT_SYMLINK_NOFOLLOW) < 0)
        {
          if (errno == ENOENT && *p == '\0')
            {
              rlen += 1 + n;
              break;
            }
          return shim_make_error (err, errno, "`%s`", path);
        }
      if (S_ISLNK (st.st_mode))
        {
          char target[PATH_MAX + 1];
          ssize_t tl = readlinkat (rootfd, res + 1, target, PATH_MAX);
          char *rest;

          if (tl < 0)
            return shim_make_error (err, errno, "readlink `%s`", res);
          if (++links > 40)
            return shim_make_error (err, ELOOP, "`%s`", path);
          target[tl] = '\0';
          xasprintf (&rest, "%s/%s", target, p);
          free (todo);
          todo = rest;
          p = todo;
          res[rlen] = '\0';
          if (target[0] == '/')
            {
              rlen = 0;
              res[0] = '\0';
            }
          continue;
        }
      rlen += 1 + n;
    }
  res[rlen] = '\0';
  *out = xstrdup (rlen ? res : "/");
  return 0;
}

/* Trailing "/" or "/." of the request, kept on linkTarget as Podman's PreserveBasePath does. */
static char *
preserve_base (const char *original, const char *resolved)
{
  size_t ol = strlen (original), rl = strlen (resolved);
  char *out;

  if (ol >= 2 && strcmp (original + ol - 2, "/.") == 0)
    {
      if (rl > 0 && resolved[rl - 1] == '/')
        xasprintf (&out, "%s.", resolved);
      else
        xasprintf (&out, "%s/.", resolved);
      return out;
    }
  if (ol > 0 && original[ol - 1] == '/' && !(rl > 0 && resolved[rl - 1] == '/'))
    {
      xasprintf (&out, "%s/", resolved);
      return out;
    }
  return xstrdup (resolved);
}

/* ---- stat ------------------------------------------------------------------------------------- */

static void
rfc3339 (const struct timespec *ts, char *buf, size_t size)
{
  struct tm tm;
  char nsec[16];
  size_t n;

  gmtime_r (&ts->tv_sec, &tm);
  n = strftime (buf, size, "%Y-%m-%dT%H:%M:%S", &tm);
  if (ts->tv_nsec)
    {
      int len;
      snprintf (nsec, sizeof (nsec), ".%09ld", ts->tv_nsec);
      len = (int)strlen (nsec);
      while (len > 1 && nsec[len - 1] == '0')
        nsec[--len] = '\0';
      snprintf (buf + n, size - n, "%sZ", nsec);
    }
  else
    snprintf (buf + n, size - n, "Z");
}

/* The path as requested: made "/." when it is "/" (Podman copies the root's contents). */
static const char *
request_path (const char *path)
{
  return strcmp (path, "/") == 0 ? "/." : path;
}

static int
op_stat (int rootfd, const char *path, shim_error_t *err)
{
  cleanup_close int fd = open_in_root (rootfd, path, O_PATH, 0), tfd = -1;
  cleanup_free char *resolved = NULL, *target = NULL, *name = NULL;
  struct stat st, tst;
  json_object *o;
  char mtime[64];
  int is_dir;

  if (fd < 0 || fstat (fd, &st) < 0)
    return shim_make_error (err, errno, "`%s`", path);
  is_dir = S_ISDIR (st.st_mode);
  if (S_ISLNK (st.st_mode))
    {
      tfd = open_in_root (rootfd, path, O_PATH, 1);
      if (tfd < 0 || fstat (tfd, &tst) < 0)
        return shim_make_error (err, errno, "`%s` (a symlink)", path);
      is_dir = S_ISDIR (tst.st_mode);
    }
  if (resolve_path (rootfd, path, &resolved, err) < 0)
    return -1;
  target = preserve_base (path, resolved);
  name = shim_archive_base (target);
  rfc3339 (&st.st_mtim, mtime, sizeof (mtime));
  o = json_object_new_object ();
  json_object_object_add (o, "name", json_object_new_string (name));
  json_object_object_add (o, "size", json_object_new_int64 ((int64_t)st.st_size));
  json_object_object_add (o, "mode", json_object_new_int64 (shim_go_file_mode (st.st_mode)));
  json_object_object_add (o, "mtime", json_object_new_string (mtime));
  json_object_object_add (o, "isDir", json_object_new_boolean (is_dir));
  json_object_object_add (o, "linkTarget", json_object_new_string (target));
  printf ("%s\n", json_object_to_json_string_ext (o, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE));
  json_object_put (o);
  return fflush (stdout) == 0 ? 0 : shim_make_error (err, errno, "writing the result");
}

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
  if (o->len + len > IO_BUF && out_flush (o, err) < 0)
    return -1;
  if (len >= IO_BUF)
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
};

static int get_entry (struct get_ctx_s *g, int dirfd, const char *leaf, const char *tarname, int depth,
                      shim_error_t *err);

static int
write_file_data (struct get_ctx_s *g, int fd, uint64_t size, const char *tarname, shim_error_t *err)
{
  uint64_t left = size;
  static const unsigned char zeros[SHIM_TAR_BLOCK];

  while (left > 0)
    {
      size_t want = left < IO_BUF ? (size_t)left : IO_BUF;
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
  int fd = dup (dfd);
  DIR *dir = fd < 0 ? NULL : fdopendir (fd);
  struct dirent *de;
  int ret = 0;

  if (dir == NULL)
    {
      if (fd >= 0)
        close (fd);
      return shim_make_error (err, errno, "reading directory `%s`", tarname);
    }
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

  if (fstatat (dirfd, leaf, &st, AT_SYMLINK_NOFOLLOW) < 0)
    {
      if (errno == ENOENT && depth > 0) /* removed meanwhile */
        return 0;
      return shim_make_error (err, errno, "`%s`", tarname[0] ? tarname : leaf);
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

static int
op_get (int rootfd, const char *path, shim_error_t *err)
{
  struct get_ctx_s g = { .out = { .fd = 1 } };
  const char *req = request_path (path);
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
    pfd = open_in_root (rootfd, req, O_PATH | O_DIRECTORY, 1);
  else
    {
      char *slash = strrchr (clean, '/');
      parent = slash ? strndup (clean, (size_t)(slash - clean)) : xstrdup ("");
      pfd = open_in_root (rootfd, parent, O_PATH | O_DIRECTORY, 1);
      if (req[len - 1] == '/') /* "dir/": the directory the name resolves to */
        {
          struct stat st;
          cleanup_close int dfd = open_in_root (rootfd, req, O_PATH | O_DIRECTORY, 1);
          if (dfd < 0 || fstat (dfd, &st) < 0)
            return shim_make_error (err, errno, "`%s`", path);
        }
    }
  if (pfd < 0)
    return shim_make_error (err, errno, "`%s`", path);
  g.out.buf = xmalloc (IO_BUF);
  g.data = xmalloc (IO_BUF);
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

/* ---- put -------------------------------------------------------------------------------------- */

struct dir_fix_s
{
  char *path; /* container path */
  uint32_t mode;
  struct timespec mtime;
};

struct put_ctx_s
{
  const struct archive_opts_s *o;
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
  pfd = open_in_root (p->rootfd, dir[0] ? dir : "/", O_PATH | O_DIRECTORY, 1);
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
  fd = open_in_root (p->rootfd, dir[0] ? dir : "/", O_PATH | O_DIRECTORY, 1);
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
  fd = open_in_root (p->rootfd, dir, O_PATH | O_DIRECTORY, 1);
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
      ssize_t n = shim_tar_reader_data (r, p->data, IO_BUF, err);
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
      cleanup_close int fd = open_in_root (p->rootfd, d->path, O_RDONLY | O_DIRECTORY, 0);
      struct timespec ts[2] = { d->mtime, d->mtime };

      if (ret == 0 && (fd < 0 || fchmod (fd, d->mode & 07777) < 0 || futimens (fd, ts) < 0))
        ret = shim_make_error (err, errno, "setting the mode and times of `%s`", d->path);
      free (d->path);
    }
  free (p->dirs);
  p->dirs = NULL;
  return ret;
}

static int
op_put (int rootfd, const struct archive_opts_s *o, shim_error_t *err)
{
  struct put_ctx_s p = { .o = o, .rootfd = rootfd };
  shim_tar_reader_t r;
  cleanup_close int dfd = open_in_root (rootfd, o->path, O_PATH, 1);
  cleanup_free char *dest = NULL;
  struct stat st;
  int got, ret = 0;

  if (dfd < 0 || fstat (dfd, &st) < 0)
    return shim_make_error (err, errno, "`%s`", o->path);
  if (!S_ISDIR (st.st_mode))
    return shim_make_error (err, ENOTDIR, "extraction point `%s` is not a directory", o->path);
  if (resolve_path (rootfd, o->path, &dest, err) < 0)
    return -1;
  p.dest = dest;
  p.data = xmalloc (IO_BUF);
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
      ssize_t n = read (0, p.data, IO_BUF);
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

/* ---- entering the container ------------------------------------------------------------------- */

static int
become_root (shim_error_t *err)
{
  if (setresgid (0, 0, 0) < 0 || setresuid (0, 0, 0) < 0)
    return shim_make_error (err, errno, "becoming root of the container's user namespace");
  return 0;
}

/* Joins PID's user (when not ours) and mount namespaces. */
static int
join_running (pid_t pid, shim_error_t *err)
{
  static const struct
  {
    const char *name;
    int flag;
  } ns[] = { { "user", CLONE_NEWUSER }, { "mnt", CLONE_NEWNS } };
  int fds[2] = { -1, -1 }, joined_user = 0;
  size_t i;

  for (i = 0; i < 2; i++)
    {
      char path[64], own[64];
      struct stat a, b;

      snprintf (path, sizeof (path), "/proc/%d/ns/%s", (int)pid, ns[i].name);
      snprintf (own, sizeof (own), "/proc/self/ns/%s", ns[i].name);
      if (stat (path, &a) < 0)
        {
          if (i == 1)
            close (fds[0]);
          return shim_make_error (err, errno == ENOENT ? ESRCH : errno, "container process %d", (int)pid);
        }
      if (stat (own, &b) == 0 && a.st_ino == b.st_ino && a.st_dev == b.st_dev)
        {
          if (i == 0)
            continue;
          /* a container always has a mount namespace of its own: the pid is no longer its process */
          close (fds[0]);
          return shim_make_error (err, ESRCH, "process %d shares the shim's mount namespace: not a container", (int)pid);
        }
      fds[i] = open (path, O_RDONLY | O_CLOEXEC);
      if (fds[i] < 0)
        return shim_make_error (err, errno, "open `%s`", path);
    }
  for (i = 0; i < 2; i++)
    if (fds[i] >= 0)
      {
        int r = setns (fds[i], ns[i].flag);
        close (fds[i]);
        if (r < 0)
          return shim_make_error (err, errno, "joining the container's %s namespace", ns[i].name);
        joined_user |= ns[i].flag == CLONE_NEWUSER;
      }
  if (joined_user && become_root (err) < 0)
    return -1;
  if (chdir ("/") < 0)
    return shim_make_error (err, errno, "chdir /");
  return 0;
}

static int
run_op (const struct archive_opts_s *o, shim_error_t *err)
{
  cleanup_close int rootfd = open ("/", O_PATH | O_DIRECTORY | O_CLOEXEC);

  if (rootfd < 0)
    return shim_make_error (err, errno, "open the container's root");
  if (strcmp (o->op, "stat") == 0)
    return op_stat (rootfd, request_path (o->path), err);
  if (strcmp (o->op, "get") == 0)
    return op_get (rootfd, o->path, err);
  return op_put (rootfd, o, err);
}

static void __attribute__ ((noreturn)) offline_child (shim_container_t *c, const struct archive_opts_s *o, int go_fd)
{
  shim_error_t err = NULL;
  char b;

  if (prctl (PR_SET_PDEATHSIG, SIGKILL) < 0)
    shim_make_error (&err, errno, "prctl PR_SET_PDEATHSIG");
  else
    {
      shim_open_rootfs_dirs (c); /* with the shim's credentials, as the init (mounts.h) */
      if (shim_read_all (go_fd, &b, 1) != 1)
        _exit (1); /* the parent failed and reports */
      prctl (PR_SET_DUMPABLE, 0);
      if (((c->clone_flags & CLONE_NEWUSER) && become_root (&err) < 0) || shim_set_rootfs (c, &err) < 0
          || shim_set_bind_mounts (c, &err) < 0 || shim_set_pivot_root (c, &err) < 0)
        shim_error_wrap (&err, "mounting the container's filesystem");
      else if (run_op (o, &err) == 0)
        _exit (0);
    }
  shim_error_send (2, err);
  _exit (1);
}

/* A container that does not run: its filesystem in a private mount namespace (archive.h). */
static int
run_offline (const struct archive_opts_s *o, shim_error_t *err)
{
  shim_container_t c;
  int go[2], status, userns;
  pid_t pid;

  if (shim_container_load (&c, o->bundle, "archive", NULL, NULL, -1, err) < 0)
    return shim_error_wrap (err, "container bundle `%s`", o->bundle);
  userns = (c.clone_flags & CLONE_NEWUSER) != 0;
  if (shim_holder_use_file (o->holder, userns, err) < 0 || shim_prepare_idmapped_layers (&c, err) < 0
      || shim_join_namespaces (NULL, 0, err) < 0)
    return -1;
  if (pipe2 (go, O_CLOEXEC) < 0)
    return shim_make_error (err, errno, "pipe");
  pid = (pid_t)syscall (SYS_clone, (unsigned long)((userns ? CLONE_NEWUSER : 0) | CLONE_NEWNS | SIGCHLD), 0, NULL,
                        NULL, 0);
  if (pid < 0)
    return shim_make_error (err, errno, "clone");
  if (pid == 0)
    {
      close (go[1]);
      offline_child (&c, o, go[0]);
    }
  close (go[0]);
  shim_close_idmapped_layers (&c);
  if (userns && shim_set_id_maps (pid, c.spec, err) < 0)
    {
      close (go[1]);
      waitpid (pid, &status, 0);
      return -1;
    }
  if (shim_write_all (go[1], "G", 1) < 0)
    {
      close (go[1]);
      waitpid (pid, &status, 0);
      return shim_make_error (err, errno, "starting the copy");
    }
  close (go[1]);
  while (waitpid (pid, &status, 0) < 0 && errno == EINTR)
    ;
  shim_container_free (&c);
  return WIFEXITED (status) ? WEXITSTATUS (status) : 1; /* the child reported its own error */
}

/* ---- main ------------------------------------------------------------------------------------- */

static int
parse_args (int argc, char **argv, struct archive_opts_s *o, shim_error_t *err)
{
  static const struct option long_opts[] = { { "path", required_argument, 0, 'p' },
                                             { "pid", required_argument, 0, 'P' },
                                             { "bundle", required_argument, 0, 'b' },
                                             { "userns-holder", required_argument, 0, 'U' },
                                             { "chown", required_argument, 0, 'c' },
                                             { "no-overwrite-dir-non-dir", no_argument, 0, 'n' },
                                             { "rename", required_argument, 0, 'r' },
                                             { 0, 0, 0, 0 } };
  int ch;

  if (argc < 3 || (strcmp (argv[2], "stat") != 0 && strcmp (argv[2], "get") != 0 && strcmp (argv[2], "put") != 0))
    return shim_make_error (err, EINVAL, "usage: skiff-shim archive stat|get|put --path ABS (--pid PID | --bundle DIR)");
  o->op = argv[2];
  optind = 3;
  opterr = 0;
  while ((ch = getopt_long (argc, argv, "", long_opts, NULL)) != -1)
    switch (ch)
      {
      case 'p':
        o->path = optarg;
        break;
      case 'P':
        o->pid = (pid_t)atoi (optarg);
        break;
      case 'b':
        o->bundle = optarg;
        break;
      case 'U':
        o->holder = optarg;
        break;
      case 'c':
        {
          long long u, g;
          if (sscanf (optarg, "%lld:%lld", &u, &g) != 2 || u < 0 || g < 0)
            return shim_make_error (err, EINVAL, "--chown `%s`: expected UID:GID", optarg);
          o->chown = 1;
          o->chown_uid = u;
          o->chown_gid = g;
          break;
        }
      case 'n':
        o->no_overwrite = 1;
        break;
      case 'r':
        if (o->n_renames >= MAX_RENAMES || strchr (optarg, '=') == NULL)
          return shim_make_error (err, EINVAL, "--rename `%s`: expected OLD=NEW (at most %d)", optarg, MAX_RENAMES);
        o->renames[o->n_renames++] = optarg;
        break;
      default:
        return shim_make_error (err, EINVAL, "archive: unknown option `%s`", argv[optind - 1]);
      }
  if (o->path == NULL || o->path[0] != '/' || optind != argc || ((o->pid > 0) == (o->bundle != NULL))
      || (o->holder && o->bundle == NULL))
    return shim_make_error (err, EINVAL,
                            "usage: skiff-shim archive stat|get|put --path ABS (--pid PID | --bundle DIR "
                            "[--userns-holder PIDFILE])");
  return 0;
}

int
shim_archive_main (int argc, char **argv)
{
  struct archive_opts_s o = { 0 };
  shim_error_t err = NULL;
  int r;

  signal (SIGPIPE, SIG_IGN); /* a client that goes away is a write error */
  if (parse_args (argc, argv, &o, &err) < 0 || shim_ensure_cloned_binary (argv, &err) < 0)
    goto fail;
  if (o.bundle)
    {
      r = run_offline (&o, &err);
      if (r < 0)
        goto fail;
      return r;
    }
  /* non-dumpable before entering: the container's root must not ptrace or open /proc of us (in
     the offline case only the child is, once its maps are written: /proc/PID/uid_map needs it) */
  if (prctl (PR_SET_DUMPABLE, 0) < 0)
    {
      shim_make_error (&err, errno, "prctl PR_SET_DUMPABLE");
      goto fail;
    }
  if (join_running (o.pid, &err) < 0 || run_op (&o, &err) < 0)
    goto fail;
  return 0;
fail:
  shim_error_send (2, err);
  return 1;
}
