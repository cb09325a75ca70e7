/* mounts.c -- rootfs, mounts, pivot_root, masked and read-only paths (see mounts.h). */
#define _GNU_SOURCE
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <unistd.h>
#include <linux/openat2.h>

#include "mounts.h"
#include "userns.h"
#include "spec.h"
#include "utils.h"

#ifndef MOUNT_ATTR_RDONLY
#error "needs <sys/mount.h> with mount_setattr (glibc >= 2.36)"
#endif

static int
openat2_in_root (int rootfd, const char *rel, int flags)
{
  struct open_how how = { .flags = flags | O_CLOEXEC, .resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS };
  return syscall (SYS_openat2, rootfd, rel, &how, sizeof (how));
}

/* Depth (components below the rootfs) of an fd inside rootfd, via /proc/self/fd. */
static int
depth_in_root (int rootfd, int fd)
{
  char a[PATH_MAX], b[PATH_MAX], pa[64], pb[64];
  ssize_t na, nb;
  int depth = 0;
  const char *p;

  snprintf (pa, sizeof (pa), "/proc/self/fd/%d", rootfd);
  snprintf (pb, sizeof (pb), "/proc/self/fd/%d", fd);
  na = readlink (pa, a, sizeof (a) - 1);
  nb = readlink (pb, b, sizeof (b) - 1);
  if (na < 0 || nb < 0 || nb < na)
    return 0;
  b[nb] = '\0';
  for (p = b + na; *p; p++)
    if (*p == '/' && p[1] && p[1] != '/')
      depth++;
  return depth;
}

/* A relative symlink target that climbs above the rootfs from depth `depth` escapes it. */
static int
link_escapes (const char *target, int depth)
{
  cleanup_free char *copy = xstrdup (target);
  char *save = NULL, *tok;

  if (target[0] == '/')
    return 0; /* absolute: resolved from the container's root */
  for (tok = strtok_r (copy, "/", &save); tok; tok = strtok_r (NULL, "/", &save))
    {
      if (strcmp (tok, "..") == 0)
        {
          if (--depth < 0)
            return 1;
        }
      else if (strcmp (tok, ".") != 0)
        depth++;
    }
  return 0;
}

int
shim_open_in_root (int rootfd, const char *path, int create, shim_error_t *err)
{
  cleanup_free char *rel = xstrdup (path[0] == '/' ? path + 1 : path);
  cleanup_close int parent = -1;
  char *p = rel, *slash;
  int fd;

  if (rel[0] == '\0')
    {
      fd = openat2_in_root (rootfd, ".", O_PATH);
      return fd < 0 ? shim_make_error (err, errno, "open rootfs") : fd;
    }
  parent = openat2_in_root (rootfd, ".", O_PATH | O_DIRECTORY);
  if (parent < 0)
    return shim_make_error (err, errno, "open rootfs");
  /* Walk component by component: check symlinks, create what is missing. */
  for (;;)
    {
      char link[PATH_MAX];
      ssize_t n;
      int last, next;
      char saved;

      slash = strchr (p, '/');
      last = slash == NULL;
      saved = last ? '\0' : *slash;
      if (!last)
        *slash = '\0';
      n = readlinkat (parent, p, link, sizeof (link) - 1);
      if (n >= 0)
        {
          link[n] = '\0';
          if (link_escapes (link, depth_in_root (rootfd, parent)))
            return shim_make_error (err, EXDEV, "`%s` escapes the rootfs through symlink `%s` -> `%s`", path,
                                    rel, link);
        }
      if (!last)
        *slash = saved;
      /* open the prefix rel[0..end of this component] from the root, resolving in root */
      if (!last)
        *slash = '\0';
      next = openat2_in_root (rootfd, rel, O_PATH);
      if (next < 0 && errno == ENOENT && create)
        {
          const char *name = strrchr (rel, '/') ? strrchr (rel, '/') + 1 : rel;
          if (last && create == 'f')
            {
              int f = openat (parent, name, O_CREAT | O_EXCL | O_WRONLY | O_NOFOLLOW | O_CLOEXEC, 0644);
              if (f < 0 && errno != EEXIST)
                return shim_make_error (err, errno, "creating `%s`", path);
              if (f >= 0)
                close (f);
            }
          else if (mkdirat (parent, name, 0755) < 0 && errno != EEXIST)
            return shim_make_error (err, errno, "creating directory for `%s`", path);
          next = openat2_in_root (rootfd, rel, O_PATH);
        }
      if (!last)
        *slash = saved;
      if (next < 0)
        return shim_make_error (err, errno, "resolving `%s` in the rootfs", path);
      if (last)
        return next;
      close (parent);
      parent = next;
      p = slash + 1;
      while (*p == '/')
        p++;
      if (*p == '\0')
        return get_and_reset (&parent);
    }
}

static void
fd_path (int fd, char *buf, size_t size)
{
  snprintf (buf, size, "/proc/self/fd/%d", fd);
}

static unsigned long long
attr_from_flags (unsigned long flags)
{
  unsigned long long a = 0;
  if (flags & MS_RDONLY)
    a |= MOUNT_ATTR_RDONLY;
  if (flags & MS_NOSUID)
    a |= MOUNT_ATTR_NOSUID;
  if (flags & MS_NODEV)
    a |= MOUNT_ATTR_NODEV;
  if (flags & MS_NOEXEC)
    a |= MOUNT_ATTR_NOEXEC;
  return a;
}

static int
set_attrs (int fd, const char *what, unsigned long flags, int recursive, shim_error_t *err)
{
  struct mount_attr attr = { .attr_set = attr_from_flags (flags) };

  if (attr.attr_set == 0)
    return 0;
  if (mount_setattr (fd, "", AT_EMPTY_PATH | (recursive ? AT_RECURSIVE : 0), &attr, sizeof (attr)) < 0)
    return shim_make_error (err, errno, "mount_setattr `%s`", what);
  return 0;
}

/* Mounts one mount (source, type, flags, data) on the destination inside rootfd. */
static int
do_mount (int rootfd, const char *source, const char *dest, const char *type, shim_mount_opts_t *o,
          int create, shim_error_t *err)
{
  cleanup_close int fd = shim_open_in_root (rootfd, dest, create, err);
  char target[64];
  unsigned long flags = o->flags & ~(MS_BIND | MS_REC | MS_REMOUNT);
  int is_bind = (o->flags & MS_BIND) != 0;

  if (fd < 0)
    return shim_error_wrap (err, "mount `%s`", dest);
  fd_path (fd, target, sizeof (target));
  if (is_bind)
    {
      if (mount (source, target, NULL, MS_BIND | (o->recursive ? MS_REC : 0), NULL) < 0)
        return shim_make_error (err, errno, "bind mount `%s` on `%s`", source, dest);
      close (fd);
      fd = shim_open_in_root (rootfd, dest, 0, err); /* the new mount */
      if (fd < 0)
        return -1;
      if (set_attrs (fd, dest, flags, o->recursive, err) < 0)
        return -1;
    }
  else if (mount (source, target, type, flags, o->data) < 0)
    return shim_make_error (err, errno, "mount %s `%s` on `%s`", type ? type : "", source ? source : "",
                            dest);
  if (o->propagation)
    {
      close (fd);
      fd = shim_open_in_root (rootfd, dest, 0, err);
      if (fd < 0)
        return -1;
      fd_path (fd, target, sizeof (target));
      if (mount (NULL, target, NULL, o->propagation, NULL) < 0)
        return shim_make_error (err, errno, "set propagation of `%s`", dest);
    }
  return 0;
}

static const char *
annotation (shim_container_t *c, const char *key)
{
  json_object *ann = shim_spec_get (c->spec, "annotations"), *v;

  if (ann && json_object_object_get_ex (ann, key, &v))
    return json_object_get_string (v);
  return NULL;
}

static int
idmapped_clone (const char *dir, int userns_fd, shim_error_t *err)
{
  struct mount_attr attr = { .attr_set = MOUNT_ATTR_IDMAP, .userns_fd = userns_fd };
  cleanup_close int fd = open_tree (AT_FDCWD, dir, OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC);

  if (fd < 0)
    return shim_make_error (err, errno, "open_tree `%s`", dir);
  if (mount_setattr (fd, "", AT_EMPTY_PATH, &attr, sizeof (attr)) < 0)
    return shim_make_error (err, errno, "ID-mapping layer `%s` (mount_setattr MOUNT_ATTR_IDMAP)", dir);
  return get_and_reset (&fd);
}

int
shim_prepare_idmapped_layers (shim_container_t *c, shim_error_t *err)
{
  const char *uids = annotation (c, "dev.skiff.overlay.idmap.uids");
  const char *gids = annotation (c, "dev.skiff.overlay.idmap.gids");
  const char *lower = annotation (c, "dev.skiff.overlay.lower");
  cleanup_free char *copy = NULL;
  cleanup_close int userns_fd = -1;
  char *save = NULL, *dir;
  size_t n = 1;

  if (!uids || !gids || !lower)
    return 0;
  if (geteuid () != 0)
    return shim_make_error (err, EPERM, "ID-mapped layers need a root shim");
  userns_fd = shim_userns_fd_for_maps (uids, gids, err);
  if (userns_fd < 0)
    return shim_error_wrap (err, "ID-mapped layers");
  for (const char *p = lower; *p; p++)
    n += *p == ':';
  c->idmap_lower_fds = xmalloc0 (n * sizeof (int));
  copy = xstrdup (lower);
  for (dir = strtok_r (copy, ":", &save); dir; dir = strtok_r (NULL, ":", &save))
    {
      int fd = idmapped_clone (dir, userns_fd, err);
      if (fd < 0)
        {
          shim_close_idmapped_layers (c);
          return -1;
        }
      c->idmap_lower_fds[c->n_idmap_lower++] = fd;
    }
  return 0;
}

void
shim_close_idmapped_layers (shim_container_t *c)
{
  int i;

  for (i = 0; i < c->n_idmap_lower; i++)
    close (c->idmap_lower_fds[i]);
  free (c->idmap_lower_fds);
  c->idmap_lower_fds = NULL;
  c->n_idmap_lower = 0;
}

/* In the init: each ID-mapped clone goes over its own lower dir, in this mount namespace only. */
static int
attach_idmapped_layers (shim_container_t *c, const char *lower, shim_error_t *err)
{
  cleanup_free char *copy = xstrdup (lower);
  char *save = NULL, *dir;
  int i = 0;

  for (dir = strtok_r (copy, ":", &save); dir && i < c->n_idmap_lower; dir = strtok_r (NULL, ":", &save), i++)
    if (move_mount (c->idmap_lower_fds[i], "", AT_FDCWD, dir, MOVE_MOUNT_F_EMPTY_PATH) < 0)
      return shim_make_error (err, errno, "attaching the ID-mapped layer on `%s`", dir);
  return 0;
}

/* ---- the daemon user's paths, opened before the init becomes the container's root ------------ */

struct shim_rootfs_fds_s
{
  int *lower; /* top first, as lowerdir= */
  int n_lower;
  int upper, work, mountpoint;
  int mounted; /* the overlay's mount (fsmount), once mounted */
  char *mounted_path;
};

/* Bind sources become /proc/self/fd/N: the mount follows the magic link without walking the path. */
static void
open_bind_sources (json_object *mounts)
{
  size_t i, n = mounts && json_object_is_type (mounts, json_type_array) ? json_object_array_length (mounts) : 0;

  for (i = 0; i < n; i++)
    {
      json_object *m = json_object_array_get_idx (mounts, i), *opts = shim_spec_get (m, "options");
      const char *type = shim_spec_get_string (m, "type");
      const char *source = shim_spec_get_string (m, "source");
      int bind = type && strcmp (type, "bind") == 0;
      size_t j;
      char path[64];
      int fd;

      for (j = 0; !bind && opts && json_object_is_type (opts, json_type_array) && j < json_object_array_length (opts);
           j++)
        {
          const char *o = json_object_get_string (json_object_array_get_idx (opts, j));
          bind = o && (strcmp (o, "bind") == 0 || strcmp (o, "rbind") == 0);
        }
      if (!bind || source == NULL || source[0] != '/')
        continue;
      fd = open (source, O_PATH | O_CLOEXEC);
      if (fd < 0)
        continue; /* the mount walks the path itself and reports the error */
      fd_path (fd, path, sizeof (path));
      json_object_object_add (m, "source", json_object_new_string (path));
    }
}

void
shim_open_rootfs_dirs (shim_container_t *c)
{
  const char *lower = annotation (c, "dev.skiff.overlay.lower");
  const char *upper = annotation (c, "dev.skiff.overlay.upper");
  const char *work = annotation (c, "dev.skiff.overlay.work");
  struct shim_rootfs_fds_s *f;
  cleanup_free char *copy = NULL;
  char *save = NULL, *dir;
  size_t n = 1;

  open_bind_sources (shim_spec_get (c->spec, "mounts"));
  if (lower == NULL || c->n_idmap_lower > 0) /* ID-mapped layers: a root shim, paths as they are */
    return;
  f = c->rootfs_fds = xmalloc0 (sizeof (*f));
  f->upper = f->work = f->mountpoint = f->mounted = -1;
  for (const char *p = lower; *p; p++)
    n += *p == ':';
  f->lower = xmalloc0 (n * sizeof (int));
  copy = xstrdup (lower);
  for (dir = strtok_r (copy, ":", &save); dir; dir = strtok_r (NULL, ":", &save))
    {
      int fd = open (dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
      if (fd < 0)
        goto unusable;
      f->lower[f->n_lower++] = fd;
    }
  if (upper && work
      && ((f->upper = open (upper, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0
          || (f->work = open (work, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0))
    goto unusable;
  if (mkdir (c->rootfs, 0755) < 0 && errno != EEXIST)
    goto unusable;
  f->mountpoint = open (c->rootfs, O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (f->mountpoint >= 0)
    return;
unusable: /* e.g. a root shim's init has no capability yet: shim_set_rootfs() walks the paths */
  shim_close_rootfs_dirs (c);
}

/* The overlay from the fds (fsconfig FSCONFIG_SET_FD, Linux >= 6.13), moved onto the mount point. */
static int
overlay_fsconfig (struct shim_rootfs_fds_s *f, int userxattr, shim_error_t *err)
{
  cleanup_close int fs = fsopen ("overlay", FSOPEN_CLOEXEC);
  int i, mnt;

  if (fs < 0)
    return shim_make_error (err, errno, "fsopen overlay");
  if (fsconfig (fs, FSCONFIG_SET_STRING, "source", "overlay", 0) < 0)
    return shim_make_error (err, errno, "overlay source");
  for (i = 0; i < f->n_lower; i++)
    if (fsconfig (fs, FSCONFIG_SET_FD, "lowerdir+", NULL, f->lower[i]) < 0)
      return shim_make_error (err, errno, "overlay lowerdir+ (fd)");
  if (f->upper >= 0
      && (fsconfig (fs, FSCONFIG_SET_FD, "upperdir", NULL, f->upper) < 0
          || fsconfig (fs, FSCONFIG_SET_FD, "workdir", NULL, f->work) < 0))
    return shim_make_error (err, errno, "overlay upperdir/workdir (fd)");
  if (userxattr && fsconfig (fs, FSCONFIG_SET_FLAG, "userxattr", NULL, 0) < 0)
    return shim_make_error (err, errno, "overlay userxattr");
  if (fsconfig (fs, FSCONFIG_CMD_CREATE, NULL, NULL, 0) < 0)
    return shim_make_error (err, errno, "creating the overlay");
  mnt = fsmount (fs, FSMOUNT_CLOEXEC, 0);
  if (mnt < 0)
    return shim_make_error (err, errno, "fsmount overlay");
  if (move_mount (mnt, "", f->mountpoint, "", MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) < 0)
    {
      close (mnt);
      return shim_make_error (err, errno, "moving the overlay onto the rootfs");
    }
  return mnt;
}

/* Older kernels: lowerdir=/proc/self/fd/N:...; overlay follows the magic links. */
static int
overlay_fd_paths (struct shim_rootfs_fds_s *f, int userxattr, shim_error_t *err)
{
  cleanup_free char *data = xstrdup ("lowerdir=");
  char target[64];
  int i, mnt;

  for (i = 0; i < f->n_lower; i++)
    {
      char *next = NULL;
      xasprintf (&next, "%s%s/proc/self/fd/%d", data, i ? ":" : "", f->lower[i]);
      free (data);
      data = next;
    }
  if (f->upper >= 0)
    {
      char *next = NULL;
      xasprintf (&next, "%s,upperdir=/proc/self/fd/%d,workdir=/proc/self/fd/%d%s", data, f->upper, f->work,
                 userxattr ? ",userxattr" : "");
      free (data);
      data = next;
    }
  fd_path (f->mountpoint, target, sizeof (target));
  if (mount ("overlay", target, "overlay", 0, data) < 0)
    return shim_make_error (err, errno, "mounting the overlay rootfs on `%s`", target);
  mnt = open (target, O_PATH | O_DIRECTORY | O_CLOEXEC); /* the path now leads into the overlay */
  if (mnt < 0)
    return shim_make_error (err, errno, "open the mounted rootfs");
  return mnt;
}

/* Mounts the overlay from the fds opened by shim_open_rootfs_dirs(); c->rootfs becomes the
   mount's /proc/self/fd path, so later steps never walk the daemon user's directories. */
static int
mount_overlay_fds (shim_container_t *c, shim_error_t *err)
{
  struct shim_rootfs_fds_s *f = c->rootfs_fds;
  int in_userns = (c->clone_flags & CLONE_NEWUSER) != 0;
  char path[64];
  int mnt = -1, u;

  for (u = in_userns; mnt < 0 && u >= 0; u--)
    {
      if (mnt < 0 && *err)
        shim_error_release (err);
      mnt = overlay_fsconfig (f, u, err);
      if (mnt < 0 && ((*err)->status == EINVAL || (*err)->status == EBADF))
        {
          shim_error_release (err);
          mnt = overlay_fd_paths (f, u, err);
        }
    }
  if (mnt < 0)
    return -1;
  f->mounted = mnt;
  fd_path (mnt, path, sizeof (path));
  free (c->rootfs);
  c->rootfs = xstrdup (path);
  return 0;
}

void
shim_close_rootfs_dirs (shim_container_t *c)
{
  struct shim_rootfs_fds_s *f = c->rootfs_fds;
  int i;

  if (f == NULL)
    return;
  for (i = 0; i < f->n_lower; i++)
    close (f->lower[i]);
  free (f->lower);
  for (i = 0; i < 4; i++)
    {
      int fd = i == 0 ? f->upper : i == 1 ? f->work : i == 2 ? f->mountpoint : f->mounted;
      if (fd >= 0)
        close (fd);
    }
  free (f);
  c->rootfs_fds = NULL;
}

/* linux.rootfsPropagation: shared, slave, private, unbindable, each also with the recursive `r`
   prefix; 0 for anything else.  The rootfs stays private until pivot_root (which refuses a shared
   put_old), then the container's "/" gets this propagation, as runc does. */
static unsigned long
rootfs_propagation (const char *prop)
{
  static const struct
  {
    const char *name;
    unsigned long flag;
  } table[] = {
    { "shared", MS_SHARED }, { "slave", MS_SLAVE }, { "private", MS_PRIVATE }, { "unbindable", MS_UNBINDABLE }
  };
  unsigned long rec = prop[0] == 'r' ? MS_REC : 0;
  size_t i;

  for (i = 0; i < sizeof (table) / sizeof (table[0]); i++)
    if (strcmp (prop + (rec ? 1 : 0), table[i].name) == 0)
      return rec | table[i].flag;
  return 0;
}

int
shim_set_rootfs (shim_container_t *c, shim_error_t *err)
{
  const char *lower = NULL;
  const char *prop = shim_spec_get_string (c->spec, "linux.rootfsPropagation");
  json_object *ann = shim_spec_get (c->spec, "annotations"), *v;
  const char *upper = NULL, *work = NULL;

  if (ann && json_object_object_get_ex (ann, "dev.skiff.overlay.lower", &v))
    lower = json_object_get_string (v);
  if (ann && json_object_object_get_ex (ann, "dev.skiff.overlay.upper", &v))
    upper = json_object_get_string (v);
  if (ann && json_object_object_get_ex (ann, "dev.skiff.overlay.work", &v))
    work = json_object_get_string (v);
  if (prop && prop[0] && rootfs_propagation (prop) == 0)
    return shim_make_error (err, EINVAL, "unsupported linux.rootfsPropagation `%s`", prop);

  if (mount (NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
    return shim_make_error (err, errno, "making / private");
  if (lower && c->n_idmap_lower > 0 && attach_idmapped_layers (c, lower, err) < 0)
    return -1;
  if (lower && c->rootfs_fds)
    {
      if (mount_overlay_fds (c, err) < 0)
        return -1;
    }
  else if (lower)
    {
      cleanup_free char *data = NULL;
      if (upper && work)
        xasprintf (&data, "lowerdir=%s,upperdir=%s,workdir=%s", lower, upper, work);
      else
        xasprintf (&data, "lowerdir=%s", lower);
      if (mkdir (c->rootfs, 0755) < 0 && errno != EEXIST)
        return shim_make_error (err, errno, "creating rootfs mount point `%s`", c->rootfs);
      if ((c->clone_flags & CLONE_NEWUSER))
        {
          cleanup_free char *ux = NULL;
          xasprintf (&ux, "%s,userxattr", data);
          if (mount ("overlay", c->rootfs, "overlay", 0, ux) == 0)
            goto mounted;
        }
      if (mount ("overlay", c->rootfs, "overlay", 0, data) < 0)
        return shim_make_error (err, errno, "mounting the overlay rootfs on `%s`", c->rootfs);
    }
  else if (mount (c->rootfs, c->rootfs, NULL, MS_BIND | MS_REC, NULL) < 0)
    return shim_make_error (err, errno, "bind mounting the rootfs `%s`", c->rootfs);
mounted:
  if (mount (NULL, c->rootfs, NULL, MS_REC | MS_PRIVATE, NULL) < 0)
    return shim_make_error (err, errno, "making the rootfs private");
  return 0;
}

static const char *const dev_nodes[] = { "null", "zero", "full", "random", "urandom", "tty" };
static const struct
{
  const char *target, *link;
} dev_links[] = { { "/proc/self/fd", "fd" },
                  { "/proc/self/fd/0", "stdin" },
                  { "/proc/self/fd/1", "stdout" },
                  { "/proc/self/fd/2", "stderr" },
                  { "pts/ptmx", "ptmx" } };

static int
set_dev_nodes (int rootfd, shim_error_t *err)
{
  cleanup_close int devfd = shim_open_in_root (rootfd, "/dev", 'd', err);
  size_t i;

  if (devfd < 0)
    return -1;
  for (i = 0; i < sizeof (dev_nodes) / sizeof (dev_nodes[0]); i++)
    {
      char host[64], dest[64], target[64];
      struct stat st;
      cleanup_close int fd = -1;

      snprintf (host, sizeof (host), "/dev/%s", dev_nodes[i]);
      snprintf (dest, sizeof (dest), "/dev/%s", dev_nodes[i]);
      if (stat (host, &st) < 0)
        return shim_make_error (err, errno, "stat `%s`", host);
      fd = openat (devfd, dev_nodes[i], O_PATH | O_NOFOLLOW | O_CLOEXEC);
      if (fd >= 0)
        continue; /* already there */
      if (mknodat (devfd, dev_nodes[i], S_IFCHR | 0666, st.st_rdev) == 0)
        {
          fchmodat (devfd, dev_nodes[i], 0666, 0);
          continue;
        }
      /* no mknod (user namespace): bind the host's node on an empty file */
      fd = shim_open_in_root (rootfd, dest, 'f', err);
      if (fd < 0)
        return -1;
      fd_path (fd, target, sizeof (target));
      if (mount (host, target, NULL, MS_BIND, NULL) < 0)
        return shim_make_error (err, errno, "bind mount `%s`", host);
    }
  for (i = 0; i < sizeof (dev_links) / sizeof (dev_links[0]); i++)
    if (symlinkat (dev_links[i].target, devfd, dev_links[i].link) < 0 && errno != EEXIST)
      return shim_make_error (err, errno, "symlink /dev/%s", dev_links[i].link);
  return 0;
}

/* linux.devices: each node created at its path inside the rootfs (type c, b, u or p, major/minor,
   fileMode, uid, gid), replacing a file already there unless it is that same device.  Where mknod is not
   allowed (user namespace), the host's node at the same path is bound when it is the same device; otherwise
   the EPERM is the error. */
static int
set_spec_device (int rootfd, json_object *d, shim_error_t *err)
{
  const char *path = shim_spec_get_string (d, "path"), *type = shim_spec_get_string (d, "type");
  json_object *major = shim_spec_get (d, "major"), *minor = shim_spec_get (d, "minor");
  json_object *mode = shim_spec_get (d, "fileMode"), *uid = shim_spec_get (d, "uid"),
              *gid = shim_spec_get (d, "gid");
  cleanup_free char *dir = NULL;
  cleanup_close int dirfd = -1;
  const char *name;
  mode_t fmt;
  dev_t rdev = 0;
  struct stat st;

  if (path == NULL || path[0] != '/' || (name = strrchr (path, '/'))[1] == '\0' || type == NULL)
    return shim_make_error (err, EINVAL, "linux.devices: a device needs an absolute path and a type");
  fmt = strcmp (type, "c") == 0 || strcmp (type, "u") == 0 ? S_IFCHR
        : strcmp (type, "b") == 0                          ? S_IFBLK
        : strcmp (type, "p") == 0                          ? S_IFIFO
                                                           : 0;
  if (fmt == 0)
    return shim_make_error (err, EINVAL, "linux.devices: `%s` has an unknown type `%s`", path, type);
  if (fmt != S_IFIFO && (major == NULL || minor == NULL))
    return shim_make_error (err, EINVAL, "linux.devices: `%s` needs major and minor", path);
  if (fmt != S_IFIFO)
    rdev = makedev (json_object_get_int64 (major), json_object_get_int64 (minor));
  xasprintf (&dir, "%.*s", (int)(name - path), path);
  dirfd = shim_open_in_root (rootfd, dir[0] ? dir : "/", 'd', err);
  if (dirfd < 0)
    return -1;
  name++;
  if (fstatat (dirfd, name, &st, AT_SYMLINK_NOFOLLOW) == 0)
    {
      /* the same device is already there (a default node, maybe the host's bound): kept as is */
      if ((st.st_mode & S_IFMT) == fmt && (fmt == S_IFIFO || st.st_rdev == rdev))
        return 0;
      if (unlinkat (dirfd, name, 0) < 0)
        return shim_make_error (err, errno, "linux.devices: replacing `%s`", path);
    }
  if (mknodat (dirfd, name, fmt | 0600, rdev) < 0)
    {
      cleanup_close int fd = -1;
      char target[64];

      int e = errno;

      if (e != EPERM || fmt == S_IFIFO || stat (path, &st) < 0 || (st.st_mode & S_IFMT) != fmt
          || st.st_rdev != rdev)
        return shim_make_error (err, e, "linux.devices: mknod `%s`%s", path,
                                e == EPERM ? " (and the host has no such node to bind)" : "");
      fd = shim_open_in_root (rootfd, path, 'f', err);
      if (fd < 0)
        return -1;
      fd_path (fd, target, sizeof (target));
      if (mount (path, target, NULL, MS_BIND, NULL) < 0)
        return shim_make_error (err, errno, "linux.devices: bind mount `%s`", path);
      return 0;
    }
  if (fchmodat (dirfd, name, mode ? (mode_t)json_object_get_int (mode) & 07777 : 0666, 0) < 0)
    return shim_make_error (err, errno, "linux.devices: chmod `%s`", path);
  if ((uid || gid)
      && fchownat (dirfd, name, uid ? (uid_t)json_object_get_int64 (uid) : (uid_t)-1,
                   gid ? (gid_t)json_object_get_int64 (gid) : (gid_t)-1, AT_SYMLINK_NOFOLLOW)
             < 0)
    return shim_make_error (err, errno, "linux.devices: chown `%s`", path);
  return 0;
}

/* One spec mount, with the userns fallbacks for sysfs / mqueue / devpts. */
static int
mount_entry (int rootfd, json_object *m, int *dev_tmpfs, shim_error_t *err)
{
  const char *dest = shim_spec_get_string (m, "destination");
  const char *type = shim_spec_get_string (m, "type");
  const char *source = shim_spec_get_string (m, "source");
  shim_mount_opts_t o;
  int ret, create;

  if (dest == NULL || dest[0] != '/')
    return shim_make_error (err, EINVAL, "mount destination `%s` is not absolute", dest ? dest : "(missing)");
  if (shim_mount_options_parse (shim_spec_get (m, "options"), &o, err) < 0)
    return shim_error_wrap (err, "mount `%s`", dest);
  if (type && strcmp (type, "bind") == 0)
    o.flags |= MS_BIND;
  create = 'd';
  if ((o.flags & MS_BIND) && source)
    {
      struct stat st;
      if (stat (source, &st) < 0)
        {
          shim_mount_opts_free (&o);
          return shim_make_error (err, errno, "bind mount source `%s`", source);
        }
      if (!S_ISDIR (st.st_mode))
        create = 'f';
    }
  ret = do_mount (rootfd, source, dest, type, &o, create, err);
  if (ret < 0 && type && (*err)->status == EPERM
      && (strcmp (type, "sysfs") == 0 || strcmp (type, "mqueue") == 0))
    {
      /* a user namespace without its own netns/ipcns: the host's, recursively and read-only */
      shim_mount_opts_t b
          = { .flags = MS_BIND | (o.flags & (MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC)), .recursive = 1 };
      if (strcmp (type, "sysfs") == 0)
        b.flags |= MS_RDONLY;
      shim_error_release (err);
      ret = do_mount (rootfd, strcmp (type, "sysfs") == 0 ? "/sys" : "/dev/mqueue", dest, NULL, &b, 'd', err);
    }
  if (ret < 0 && type && strcmp (type, "devpts") == 0 && (*err)->status == EINVAL && o.data
      && strstr (o.data, "gid="))
    {
      /* gid 5 not mapped in the user namespace */
      shim_error_release (err);
      free (o.data);
      o.data = xstrdup ("newinstance,ptmxmode=0666,mode=0620");
      ret = do_mount (rootfd, source, dest, type, &o, 'd', err);
    }
  if (ret == 0 && strcmp (dest, "/dev") == 0 && type && strcmp (type, "tmpfs") == 0)
    *dev_tmpfs = 1;
  shim_mount_opts_free (&o);
  return ret;
}

static json_object *
default_mount (const char *dest, const char *type, const char *source, const char *opts)
{
  json_object *m = json_object_new_object (), *arr = json_object_new_array ();
  cleanup_free char *copy = xstrdup (opts);
  char *save = NULL, *tok;

  json_object_object_add (m, "destination", json_object_new_string (dest));
  json_object_object_add (m, "type", json_object_new_string (type));
  json_object_object_add (m, "source", json_object_new_string (source));
  for (tok = strtok_r (copy, ",", &save); tok; tok = strtok_r (NULL, ",", &save))
    json_object_array_add (arr, json_object_new_string (tok));
  json_object_object_add (m, "options", arr);
  return m;
}

static int
has_dest (json_object *mounts, const char *dest)
{
  size_t i, n = mounts ? json_object_array_length (mounts) : 0;
  for (i = 0; i < n; i++)
    {
      const char *d = shim_spec_get_string (json_object_array_get_idx (mounts, i), "destination");
      if (d && strcmp (d, dest) == 0)
        return 1;
    }
  return 0;
}

/* The spec's mounts with the missing defaults inserted in a valid order. */
static json_object *
mount_list (json_object *spec_mounts)
{
  json_object *list = json_object_new_array ();
  size_t i, n = spec_mounts ? json_object_array_length (spec_mounts) : 0;
  int dev_done = 0;

#define ADD_DEV_CHILDREN()                                                                                   \
  do                                                                                                         \
    {                                                                                                        \
      if (!has_dest (spec_mounts, "/dev/pts"))                                                               \
        json_object_array_add (list,                                                                         \
                               default_mount ("/dev/pts", "devpts", "devpts",                                \
                                              "nosuid,noexec,newinstance,ptmxmode=0666,mode=0620,gid=5"));   \
      if (!has_dest (spec_mounts, "/dev/shm"))                                                               \
        json_object_array_add (                                                                              \
            list, default_mount ("/dev/shm", "tmpfs", "shm", "nosuid,noexec,nodev,mode=1777,size=65536k"));  \
      if (!has_dest (spec_mounts, "/dev/mqueue"))                                                            \
        json_object_array_add (list,                                                                         \
                               default_mount ("/dev/mqueue", "mqueue", "mqueue", "nosuid,noexec,nodev"));    \
      dev_done = 1;                                                                                          \
    }                                                                                                        \
  while (0)

  if (!has_dest (spec_mounts, "/proc"))
    json_object_array_add (list, default_mount ("/proc", "proc", "proc", "nosuid,noexec,nodev"));
  if (!has_dest (spec_mounts, "/dev"))
    {
      json_object_array_add (
          list, default_mount ("/dev", "tmpfs", "tmpfs", "nosuid,strictatime,mode=755,size=65536k"));
      ADD_DEV_CHILDREN ();
    }
  for (i = 0; i < n; i++)
    {
      json_object *m = json_object_array_get_idx (spec_mounts, i);
      const char *d = shim_spec_get_string (m, "destination");
      json_object_array_add (list, json_object_get (m));
      if (!dev_done && d && strcmp (d, "/dev") == 0)
        ADD_DEV_CHILDREN ();
    }
  if (!has_dest (spec_mounts, "/sys"))
    json_object_array_add (list, default_mount ("/sys", "sysfs", "sysfs", "nosuid,noexec,nodev,ro"));
#undef ADD_DEV_CHILDREN
  return list;
}

int
shim_set_mounts (shim_container_t *c, shim_error_t *err)
{
  json_object *list = mount_list (shim_spec_get (c->spec, "mounts")), *devices;
  cleanup_close int rootfd = open (c->rootfs, O_PATH | O_DIRECTORY | O_CLOEXEC);
  size_t i, n = json_object_array_length (list);
  int dev_tmpfs = 0, ret = 0;

  if (rootfd < 0)
    ret = shim_make_error (err, errno, "open rootfs `%s`", c->rootfs);
  for (i = 0; ret == 0 && i < n; i++)
    ret = mount_entry (rootfd, json_object_array_get_idx (list, i), &dev_tmpfs, err);
  if (ret == 0 && dev_tmpfs)
    ret = set_dev_nodes (rootfd, err);
  devices = shim_spec_get (c->spec, "linux.devices");
  for (i = 0; ret == 0 && devices && json_object_is_type (devices, json_type_array)
              && i < json_object_array_length (devices);
       i++)
    ret = set_spec_device (rootfd, json_object_array_get_idx (devices, i), err);
  json_object_put (list);
  return ret;
}

/* The spec's bind mounts only (volumes, host paths), for `skiff-shim archive` on a container that
   is not running (archive.h): no defaults, no proc/sysfs/tmpfs/devpts/mqueue. */
int
shim_set_bind_mounts (shim_container_t *c, shim_error_t *err)
{
  json_object *mounts = shim_spec_get (c->spec, "mounts");
  cleanup_close int rootfd = open (c->rootfs, O_PATH | O_DIRECTORY | O_CLOEXEC);
  size_t i, n = mounts && json_object_is_type (mounts, json_type_array) ? json_object_array_length (mounts) : 0;
  int dev_tmpfs = 0;

  if (rootfd < 0)
    return shim_make_error (err, errno, "open rootfs `%s`", c->rootfs);
  for (i = 0; i < n; i++)
    {
      json_object *m = json_object_array_get_idx (mounts, i);
      const char *type = shim_spec_get_string (m, "type");
      json_object *opts = shim_spec_get (m, "options");
      int bind = type && strcmp (type, "bind") == 0;
      size_t j;

      for (j = 0; !bind && opts && json_object_is_type (opts, json_type_array) && j < json_object_array_length (opts); j++)
        {
          const char *o = json_object_get_string (json_object_array_get_idx (opts, j));
          bind = o && (strcmp (o, "bind") == 0 || strcmp (o, "rbind") == 0);
        }
      if (bind && mount_entry (rootfd, m, &dev_tmpfs, err) < 0)
        return -1;
    }
  return 0;
}

int
shim_set_pivot_root (shim_container_t *c, shim_error_t *err)
{
  const char *rootfs = c->rootfs;
  const char *prop = shim_spec_get_string (c->spec, "linux.rootfsPropagation");

  if (chdir (rootfs) < 0)
    return shim_make_error (err, errno, "chdir `%s`", rootfs);
  if (syscall (SYS_pivot_root, ".", ".") < 0)
    return shim_make_error (err, errno, "pivot_root `%s`", rootfs);
  if (umount2 (".", MNT_DETACH) < 0)
    return shim_make_error (err, errno, "detaching the old root");
  if (chdir ("/") < 0)
    return shim_make_error (err, errno, "chdir /");
  if (prop && prop[0] && mount (NULL, "/", NULL, rootfs_propagation (prop), NULL) < 0)
    return shim_make_error (err, errno, "setting the rootfs propagation to `%s`", prop);
  return 0;
}

static int
for_each_path (json_object *paths, const char *what,
               int (*fn) (int rootfd, int fd, const char *p, shim_error_t *err), shim_error_t *err)
{
  cleanup_close int rootfd = open ("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
  size_t i, n;

  if (paths == NULL)
    return 0;
  if (!json_object_is_type (paths, json_type_array))
    return shim_make_error (err, EINVAL, "linux.%s is not an array", what);
  n = json_object_array_length (paths);
  for (i = 0; i < n; i++)
    {
      const char *p = json_object_get_string (json_object_array_get_idx (paths, i));
      cleanup_close int fd = -1;

      if (p == NULL || p[0] != '/')
        return shim_make_error (err, EINVAL, "linux.%s[%zu] is not an absolute path", what, i);
      fd = openat2_in_root (rootfd, p + 1, O_PATH);
      if (fd < 0 && errno == ENOENT)
        continue;
      if (fd < 0)
        return shim_make_error (err, errno, "linux.%s: open `%s`", what, p);
      if (fn (rootfd, fd, p, err) < 0)
        return shim_error_wrap (err, "linux.%s", what);
    }
  return 0;
}

static int
mask_one (int rootfd, int fd, const char *p, shim_error_t *err)
{
  struct stat st;
  char target[64];

  (void)rootfd;
  if (fstat (fd, &st) < 0)
    return shim_make_error (err, errno, "stat `%s`", p);
  fd_path (fd, target, sizeof (target));
  if (S_ISDIR (st.st_mode))
    {
      if (mount ("tmpfs", target, "tmpfs", MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC, "size=0,mode=0555")
          < 0)
        return shim_make_error (err, errno, "masking `%s`", p);
    }
  else if (mount ("/dev/null", target, NULL, MS_BIND, NULL) < 0)
    return shim_make_error (err, errno, "masking `%s`", p);
  return 0;
}

static int
readonly_one (int rootfd, int fd, const char *p, shim_error_t *err)
{
  char target[64];
  cleanup_close int mfd = -1;

  fd_path (fd, target, sizeof (target));
  if (mount (target, target, NULL, MS_BIND | MS_REC, NULL) < 0)
    return shim_make_error (err, errno, "bind `%s`", p);
  mfd = openat2_in_root (rootfd, p + 1, O_PATH);
  if (mfd < 0)
    return shim_make_error (err, errno, "reopen `%s`", p);
  return set_attrs (mfd, p, MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC, 1, err);
}

int
shim_set_masked_paths (json_object *paths, shim_error_t *err)
{
  return for_each_path (paths, "maskedPaths", mask_one, err);
}

int
shim_set_readonly_paths (json_object *paths, shim_error_t *err)
{
  return for_each_path (paths, "readonlyPaths", readonly_one, err);
}

int
shim_set_rootfs_readonly (int readonly, shim_error_t *err)
{
  cleanup_close int fd = -1;

  if (!readonly)
    return 0;
  fd = open ("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0)
    return shim_make_error (err, errno, "open /");
  return set_attrs (fd, "/", MS_RDONLY, 0, err);
}
