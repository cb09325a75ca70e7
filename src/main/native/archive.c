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
#include "archive_fs.h"
#include "cloned_binary.h"
#include "container.h"
#include "holder.h"
#include "mounts.h"
#include "namespaces.h"
#include "spec.h"
#include "tar.h"
#include "userns.h"
#include "utils.h"

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

int
shim_archive_open_in_root (int rootfd, const char *path, int flags, int follow)
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
int
shim_archive_resolve_path (int rootfd, const char *path, char **out, shim_error_t *err)
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
const char *
shim_archive_request_path (const char *path)
{
  return strcmp (path, "/") == 0 ? "/." : path;
}

static int
op_stat (int rootfd, const char *path, shim_error_t *err)
{
  cleanup_close int fd = shim_archive_open_in_root (rootfd, path, O_PATH, 0), tfd = -1;
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
      tfd = shim_archive_open_in_root (rootfd, path, O_PATH, 1);
      if (tfd < 0 || fstat (tfd, &tst) < 0)
        return shim_make_error (err, errno, "`%s` (a symlink)", path);
      is_dir = S_ISDIR (tst.st_mode);
    }
  if (shim_archive_resolve_path (rootfd, path, &resolved, err) < 0)
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
run_op (const struct shim_archive_opts_s *o, shim_error_t *err)
{
  cleanup_close int rootfd = open ("/", O_PATH | O_DIRECTORY | O_CLOEXEC);

  if (rootfd < 0)
    return shim_make_error (err, errno, "open the container's root");
  if (strcmp (o->op, "stat") == 0)
    return op_stat (rootfd, shim_archive_request_path (o->path), err);
  if (strcmp (o->op, "get") == 0)
    return shim_archive_get (rootfd, o->path, o->one_file_system, err);
  return shim_archive_put (rootfd, o, err);
}

static void __attribute__ ((noreturn)) offline_child (shim_container_t *c, const struct shim_archive_opts_s *o, int go_fd)
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
      json_object *ro = shim_spec_get (c->spec, "root.readonly");
      if (((c->clone_flags & CLONE_NEWUSER) && become_root (&err) < 0) || shim_set_rootfs (c, &err) < 0
          || shim_set_bind_mounts (c, &err) < 0 || shim_set_pivot_root (c, &err) < 0
          || shim_set_rootfs_readonly (ro && json_object_get_boolean (ro), &err) < 0)
        shim_error_wrap (&err, "mounting the container's filesystem");
      else if (run_op (o, &err) == 0)
        _exit (0);
    }
  shim_error_send (2, err);
  _exit (1);
}

/* A container that does not run: its filesystem in a private mount namespace (archive.h). */
static int
run_offline (const struct shim_archive_opts_s *o, shim_error_t *err)
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
parse_args (int argc, char **argv, struct shim_archive_opts_s *o, shim_error_t *err)
{
  static const struct option long_opts[] = { { "path", required_argument, 0, 'p' },
                                             { "pid", required_argument, 0, 'P' },
                                             { "bundle", required_argument, 0, 'b' },
                                             { "userns-holder", required_argument, 0, 'U' },
                                             { "chown", required_argument, 0, 'c' },
                                             { "no-overwrite-dir-non-dir", no_argument, 0, 'n' },
                                             { "rename", required_argument, 0, 'r' },
                                             { "one-file-system", no_argument, 0, 'o' },
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
      case 'o':
        o->one_file_system = 1;
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
  struct shim_archive_opts_s o = { 0 };
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
