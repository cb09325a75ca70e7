/* holder.c -- the rootless namespace holder (see holder.h). */
#define _GNU_SOURCE
#include <fcntl.h>
#include <getopt.h>
#include <linux/nsfs.h>
#include <malloc.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "holder.h"
#include "userns.h"
#include "utils.h"

#define HOLDER_COMM "skiff-holder"

static shim_holder_t *current;

/* ---- pure helpers ------------------------------------------------------------------------- */

static int
add_range (struct shim_id_range_s *out, int *n, int max, unsigned long long a, unsigned long long b,
           unsigned long long c)
{
  if (*n >= max || c == 0 || a > UINT32_MAX || b > UINT32_MAX || c > UINT32_MAX || a + c - 1 > UINT32_MAX - 1
      || b + c - 1 > UINT32_MAX - 1)
    return -1;
  out[*n] = (struct shim_id_range_s){ (uint32_t)a, (uint32_t)b, (uint32_t)c };
  (*n)++;
  return 0;
}

/* "inside outside count\n"... as in /proc/PID/uid_map; the count of ranges, -1 when malformed. */
int
shim_id_ranges_parse_proc (const char *text, struct shim_id_range_s *out, int max)
{
  const char *p = text;
  int n = 0;

  while (*p)
    {
      unsigned long long a, b, c;
      int used = 0;

      while (*p == ' ' || *p == '\t' || *p == '\n')
        p++;
      if (*p == '\0')
        break;
      if (sscanf (p, "%llu %llu %llu%n", &a, &b, &c, &used) != 3 || add_range (out, &n, max, a, b, c) < 0)
        return -1;
      p += used;
      if (*p != '\0' && *p != '\n')
        return -1;
    }
  return n > 0 ? n : -1;
}

/* "a:b:c,d:e:f" -> ranges; -1 when malformed. */
int
shim_id_ranges_parse_list (const char *list, struct shim_id_range_s *out, int max)
{
  const char *p = list;
  int n = 0;

  while (*p)
    {
      unsigned long long a, b, c;
      int used = 0;

      if (*p == '-' || sscanf (p, "%llu:%llu:%llu%n", &a, &b, &c, &used) != 3 || strchr (p, '-') != NULL
          || add_range (out, &n, max, a, b, c) < 0)
        return -1;
      p += used;
      if (*p == ',')
        p++;
      else if (*p != '\0')
        return -1;
    }
  return n > 0 ? n : -1;
}

/* Each input range maps container IDs to host IDs; the output maps them to the holder's IDs (the
   holder's `outside` are host IDs, its `inside` what its children see as their parent's IDs).  A
   range the holder maps in pieces is split; a host ID it does not map is EPERM. */
int
shim_id_translate (const struct shim_id_range_s *holder, int n_holder, const struct shim_id_range_s *in,
                   int n_in, struct shim_id_range_s *out, int max_out, shim_error_t *err)
{
  int i, j, n = 0;

  for (i = 0; i < n_in; i++)
    {
      uint64_t cid = in[i].inside, hid = in[i].outside, left = in[i].count;

      while (left > 0)
        {
          uint64_t take = 0;

          for (j = 0; j < n_holder; j++)
            if (hid >= holder[j].outside && hid < (uint64_t)holder[j].outside + holder[j].count)
              break;
          if (j == n_holder)
            return shim_make_error (err, EPERM, "host ID %llu is not mapped in the namespace holder",
                                    (unsigned long long)hid);
          take = (uint64_t)holder[j].outside + holder[j].count - hid;
          if (take > left)
            take = left;
          if (n >= max_out)
            return shim_make_error (err, E2BIG, "more than %d ID ranges after translation", max_out);
          out[n++] = (struct shim_id_range_s){ (uint32_t)cid, (uint32_t)(holder[j].inside + (hid - holder[j].outside)),
                                               (uint32_t)take };
          cid += take;
          hid += take;
          left -= take;
        }
    }
  return n;
}

int
shim_holder_record_parse (const char *text, struct shim_holder_record_s *rec)
{
  long long pid;
  unsigned long long start, ino;
  int used = 0;

  if (sscanf (text, "%lld %llu %llu%n", &pid, &start, &ino, &used) != 3 || pid <= 1 || pid > 4194304
      || ino == 0)
    return -1;
  text += used;
  if (text[0] == '\n')
    text++;
  if (text[0] != '\0')
    return -1;
  rec->pid = (pid_t)pid;
  rec->start_time = start;
  rec->userns = ino;
  return 0;
}

int
shim_proc_stat_parse (const char *line, char *comm, size_t comm_size, unsigned long long *start_time)
{
  const char *open = strchr (line, '('), *close = strrchr (line, ')'), *p;
  size_t len;
  int field;

  if (open == NULL || close == NULL || close < open || comm_size == 0)
    return -1;
  len = (size_t)(close - open - 1);
  if (len >= comm_size)
    len = comm_size - 1;
  memcpy (comm, open + 1, len);
  comm[len] = '\0';
  /* after ") ": field 3 (state) ... field 22 (starttime) */
  p = close + 1;
  for (field = 3; field <= 22; field++)
    {
      while (*p == ' ')
        p++;
      if (*p == '\0' || *p == '\n')
        return -1;
      if (field == 22)
        {
          char *end;
          *start_time = strtoull (p, &end, 10);
          return end == p ? -1 : 0;
        }
      while (*p && *p != ' ')
        p++;
    }
  return -1;
}

const char *
shim_holder_record_mismatch (const struct shim_holder_record_s *rec, const char *comm, unsigned long long start_time,
                             unsigned long long userns, uid_t owner, uid_t own_uid, int parent_is_ours)
{
  if (strcmp (comm, HOLDER_COMM) != 0)
    return "the pid now names another program";
  if (start_time != rec->start_time)
    return "the pid was reused (start time differs)";
  if (userns != rec->userns)
    return "its user namespace is not the recorded one";
  if (owner != own_uid)
    return "its user namespace belongs to another user";
  if (!parent_is_ours)
    return "its user namespace is not a child of ours";
  return NULL;
}

/* ---- validation and joining --------------------------------------------------------------- */

static char *
read_text (const char *path, shim_error_t *err)
{
  cleanup_close int fd = open (path, O_RDONLY | O_CLOEXEC);
  char *buf;
  ssize_t n;

  if (fd < 0)
    return shim_make_error (err, errno, "open `%s`", path), NULL;
  buf = xmalloc0 (16384);
  n = shim_read_all (fd, buf, 16383);
  if (n < 0)
    {
      free (buf);
      return shim_make_error (err, errno, "read `%s`", path), NULL;
    }
  buf[n] = '\0';
  return buf;
}

static int
pidfd_open_ (pid_t pid)
{
  return (int)syscall (SYS_pidfd_open, pid, 0);
}

static int
pidfd_alive (int pidfd)
{
  return syscall (SYS_pidfd_send_signal, pidfd, 0, NULL, 0) == 0;
}

void
shim_holder_free (shim_holder_t *h)
{
  if (h == NULL)
    return;
  if (h->pidfd >= 0)
    close (h->pidfd);
  free (h);
}

/* What a pid names, checked against rec; fills h's maps.  h->pidfd is open on return. */
static int
validate (shim_holder_t *h, shim_error_t *err)
{
  char path[64], comm[32];
  cleanup_free char *stat_line = NULL, *umap = NULL, *gmap = NULL;
  cleanup_close int nsfd = -1, parent = -1;
  unsigned long long start = 0;
  struct stat ns, pst, own;
  uid_t owner = (uid_t)-1;
  const char *why;

  h->pidfd = pidfd_open_ (h->rec.pid);
  if (h->pidfd < 0)
    return shim_make_error (err, errno == ESRCH ? ESRCH : errno, "namespace holder %d is gone", (int)h->rec.pid);
  snprintf (path, sizeof (path), "/proc/%d/stat", (int)h->rec.pid);
  if ((stat_line = read_text (path, err)) == NULL)
    return -1;
  if (shim_proc_stat_parse (stat_line, comm, sizeof (comm), &start) < 0)
    return shim_make_error (err, EINVAL, "`%s`: unreadable", path);
  snprintf (path, sizeof (path), "/proc/%d/ns/user", (int)h->rec.pid);
  nsfd = open (path, O_RDONLY | O_CLOEXEC);
  if (nsfd < 0 || fstat (nsfd, &ns) < 0)
    return shim_make_error (err, errno, "open `%s`", path);
  if (ioctl (nsfd, NS_GET_OWNER_UID, &owner) < 0)
    return shim_make_error (err, errno, "NS_GET_OWNER_UID `%s`", path);
  parent = ioctl (nsfd, NS_GET_PARENT);
  if (stat ("/proc/self/ns/user", &own) < 0)
    return shim_make_error (err, errno, "stat /proc/self/ns/user");
  why = shim_holder_record_mismatch (&h->rec, comm, start, (unsigned long long)ns.st_ino, owner, getuid (),
                                     parent >= 0 && fstat (parent, &pst) == 0 && pst.st_ino == own.st_ino
                                         && pst.st_dev == own.st_dev);
  if (why)
    return shim_make_error (err, ESRCH, "namespace holder %d: %s", (int)h->rec.pid, why);
  snprintf (path, sizeof (path), "/proc/%d/uid_map", (int)h->rec.pid);
  if ((umap = read_text (path, err)) == NULL)
    return -1;
  snprintf (path, sizeof (path), "/proc/%d/gid_map", (int)h->rec.pid);
  if ((gmap = read_text (path, err)) == NULL)
    return -1;
  h->n_uids = shim_id_ranges_parse_proc (umap, h->uids, SHIM_MAX_ID_RANGES);
  h->n_gids = shim_id_ranges_parse_proc (gmap, h->gids, SHIM_MAX_ID_RANGES);
  if (h->n_uids < 0 || h->n_gids < 0)
    return shim_make_error (err, ESRCH, "namespace holder %d: its ID maps are not written", (int)h->rec.pid);
  if (!pidfd_alive (h->pidfd))
    return shim_make_error (err, ESRCH, "namespace holder %d is gone", (int)h->rec.pid);
  return 0;
}

int
shim_holder_open (const char *pid_file, shim_holder_t **out, shim_error_t *err)
{
  cleanup_free char *text = read_text (pid_file, err);
  shim_holder_t *h;

  if (text == NULL)
    return shim_error_wrap (err, "namespace holder");
  h = xmalloc0 (sizeof (*h));
  h->pidfd = -1;
  if (shim_holder_record_parse (text, &h->rec) < 0)
    {
      free (h);
      return shim_make_error (err, EINVAL, "namespace holder: `%s` is not a holder pid file", pid_file);
    }
  if (validate (h, err) < 0)
    {
      shim_holder_free (h);
      return -1;
    }
  *out = h;
  return 0;
}

void
shim_holder_use (shim_holder_t *h)
{
  if (current && current != h)
    shim_holder_free (current);
  current = h;
}

int
shim_holder_use_file (const char *pid_file, int new_userns, shim_error_t *err)
{
  shim_holder_t *h = NULL;

  if (pid_file == NULL || !new_userns)
    return 0;
  if (shim_holder_open (pid_file, &h, err) < 0)
    return -1;
  shim_holder_use (h);
  return 0;
}

const shim_holder_t *
shim_holder_current (void)
{
  return current;
}

int
shim_holder_join (shim_error_t *err)
{
  if (current == NULL)
    return 0;
  if (setns (current->pidfd, CLONE_NEWUSER) < 0)
    return shim_make_error (err, errno, "joining the namespace holder %d", (int)current->rec.pid);
  return 0;
}

/* ---- `skiff-shim holder` ------------------------------------------------------------------ */

static int
same_ranges (const struct shim_id_range_s *a, int na, const struct shim_id_range_s *b, int nb)
{
  return na == nb && memcmp (a, b, (size_t)na * sizeof (*a)) == 0;
}

static char *
ranges_args (const struct shim_id_range_s *r, int n)
{
  char *out = xstrdup (""), *next;
  int i;

  for (i = 0; i < n; i++)
    {
      xasprintf (&next, "%s%s%u %u %u", out, i ? " " : "", r[i].inside, r[i].outside, r[i].count);
      free (out);
      out = next;
    }
  return out;
}

static void __attribute__ ((noreturn)) holder_child (int ready_fd, int go_fd)
{
  int devnull = open ("/dev/null", O_RDWR);
  char b;

  if (devnull < 0 || dup2 (devnull, 0) < 0 || dup2 (devnull, 1) < 0 || dup2 (devnull, 2) < 0)
    _exit (1);
  if (setsid () < 0 || unshare (CLONE_NEWUSER) < 0)
    {
      int e = errno;
      b = 'E';
      if (write (ready_fd, &b, 1) < 0 || write (ready_fd, &e, sizeof (e)) < 0)
        _exit (1);
      _exit (1);
    }
  b = 'U';
  if (write (ready_fd, &b, 1) != 1 || shim_read_all (go_fd, &b, 1) != 1 || b != 'G')
    _exit (1);
  prctl (PR_SET_NAME, HOLDER_COMM, 0, 0, 0);
  if (chdir ("/") < 0)
    _exit (1);
  syscall (SYS_close_range, 3, ~0U, 0);
  signal (SIGHUP, SIG_IGN);
  signal (SIGINT, SIG_IGN);
  signal (SIGPIPE, SIG_IGN);
  signal (SIGUSR1, SIG_IGN);
  signal (SIGUSR2, SIG_IGN);
  malloc_trim (0);
  for (;;)
    pause ();
}

/* Forks the holder, maps it, records it in pid_file; *rec gets its record. */
static int
create_holder (const char *pid_file, const struct shim_id_range_s *u, int nu, const struct shim_id_range_s *g,
               int ng, struct shim_holder_record_s *rec, shim_error_t *err)
{
  cleanup_free char *uargs = ranges_args (u, nu), *gargs = ranges_args (g, ng), *stat_line = NULL, *line = NULL;
  int ready[2], go[2], status, ret = -1, e = 0;
  char path[64], comm[32], b = 0;
  struct stat ns;
  pid_t pid;

  if (shim_pipe_pair (ready, go, err) < 0)
    return -1;
  pid = fork ();
  if (pid < 0)
    ret = shim_make_error (err, errno, "fork");
  else if (pid == 0)
    {
      close (ready[0]);
      close (go[1]);
      holder_child (ready[1], go[0]);
    }
  close (ready[1]);
  close (go[0]);
  if (pid < 0)
    goto out;
  if (shim_read_all (ready[0], &b, 1) != 1 || b != 'U')
    {
      if (b == 'E' && shim_read_all (ready[0], &e, sizeof (e)) == sizeof (e))
        shim_make_error (err, e, "creating the holder's user namespace");
      else
        shim_make_error (err, EIO, "the namespace holder exited early");
      goto fail;
    }
  if (shim_run_id_helper ("newuidmap", pid, uargs, err) < 0 || shim_run_id_helper ("newgidmap", pid, gargs, err) < 0)
    {
      shim_error_wrap (err, "namespace holder");
      goto fail;
    }
  snprintf (path, sizeof (path), "/proc/%d/stat", (int)pid);
  if ((stat_line = read_text (path, err)) == NULL)
    goto fail;
  snprintf (path, sizeof (path), "/proc/%d/ns/user", (int)pid);
  if (shim_proc_stat_parse (stat_line, comm, sizeof (comm), &rec->start_time) < 0 || stat (path, &ns) < 0)
    {
      shim_make_error (err, errno ? errno : EINVAL, "reading the holder's /proc entries");
      goto fail;
    }
  rec->pid = pid;
  rec->userns = (unsigned long long)ns.st_ino;
  xasprintf (&line, "%d %llu %llu\n", (int)pid, rec->start_time, rec->userns);
  if (shim_write_file_atomic (pid_file, line, strlen (line), err) < 0)
    goto fail;
  /* comm becomes skiff-holder only now: a validator never trusts a half-made holder */
  if (shim_write_all (go[1], "G", 1) != 1)
    {
      shim_make_error (err, errno, "starting the namespace holder");
      unlink (pid_file);
      goto fail;
    }
  ret = 0;
  goto out;
fail:
  kill (pid, SIGKILL);
  waitpid (pid, &status, 0);
out:
  close (ready[0]);
  close (go[1]);
  return ret;
}

static int
holder_command (const char *pid_file, const char *umap, const char *gmap, shim_error_t *err)
{
  static struct shim_id_range_s u[SHIM_MAX_ID_RANGES], g[SHIM_MAX_ID_RANGES];
  struct shim_holder_record_s rec;
  cleanup_free char *lock_path = NULL;
  cleanup_close int lock_fd = -1;
  shim_holder_t *h = NULL;
  shim_error_t why = NULL;
  int nu = shim_id_ranges_parse_list (umap, u, SHIM_MAX_ID_RANGES);
  int ng = shim_id_ranges_parse_list (gmap, g, SHIM_MAX_ID_RANGES);
  int created = 0;

  if (nu < 0 || ng < 0)
    return shim_make_error (err, EINVAL, "invalid ID map `%s` / `%s` (expected inside:outside:count,...)",
                            umap, gmap);
  xasprintf (&lock_path, "%s.lock", pid_file);
  lock_fd = open (lock_path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (lock_fd < 0 || flock (lock_fd, LOCK_EX) < 0)
    return shim_make_error (err, errno, "lock `%s`", lock_path);
  if (access (pid_file, F_OK) == 0 && shim_holder_open (pid_file, &h, &why) == 0)
    {
      if (same_ranges (h->uids, h->n_uids, u, nu) && same_ranges (h->gids, h->n_gids, g, ng))
        rec = h->rec;
      else
        {
          /* ours (validated) but mapped differently: /etc/subuid changed; containers keep its
             namespace alive, the process itself is not needed any more */
          syscall (SYS_pidfd_send_signal, h->pidfd, SIGKILL, NULL, 0);
          shim_holder_free (h);
          h = NULL;
        }
    }
  shim_error_release (&why);
  if (h == NULL)
    {
      if (create_holder (pid_file, u, nu, g, ng, &rec, err) < 0)
        return -1;
      created = 1;
    }
  shim_holder_free (h);
  printf ("{\"pid\":%d,\"userns\":%llu,\"created\":%s}\n", (int)rec.pid, rec.userns, created ? "true" : "false");
  fflush (stdout);
  return 0;
}

int
shim_holder_main (int argc, char **argv)
{
  static const struct option opts[] = { { "pid-file", required_argument, 0, 'p' },
                                        { "uid-map", required_argument, 0, 'u' },
                                        { "gid-map", required_argument, 0, 'g' },
                                        { 0, 0, 0, 0 } };
  const char *pid_file = NULL, *umap = NULL, *gmap = NULL;
  shim_error_t err = NULL;
  int ch;

  optind = 2;
  while ((ch = getopt_long (argc, argv, "", opts, NULL)) != -1)
    switch (ch)
      {
      case 'p':
        pid_file = optarg;
        break;
      case 'u':
        umap = optarg;
        break;
      case 'g':
        gmap = optarg;
        break;
      default:
        pid_file = NULL;
        break;
      }
  if (!pid_file || !umap || !gmap || optind != argc)
    {
      fprintf (stderr, "usage: skiff-shim holder --pid-file PATH --uid-map LIST --gid-map LIST\n");
      return 2;
    }
  signal (SIGPIPE, SIG_IGN);
  if (holder_command (pid_file, umap, gmap, &err) < 0)
    {
      shim_error_send (1, err);
      return 1;
    }
  return 0;
}
