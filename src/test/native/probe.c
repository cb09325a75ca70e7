/* probe.c -- a tiny static program run inside test containers.  Prints key=value lines about the
 * process it finds itself in, for the bundle tests (and for differential runs under runc/crun).
 * Usage: probe [exit CODE] [sleep SECONDS] [print TEXT] [big N] [report 1] [hostparent HOST_PROC]
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

static void
status_lines (void)
{
  char line[512];
  FILE *f = fopen ("/proc/self/status", "r");

  if (f == NULL)
    return;
  while (fgets (line, sizeof (line), f))
    if (strncmp (line, "Cap", 3) == 0 || strncmp (line, "NoNewPrivs", 10) == 0
        || strncmp (line, "Seccomp:", 8) == 0 || strncmp (line, "Uid:", 4) == 0
        || strncmp (line, "Gid:", 4) == 0)
      {
        char *colon = strchr (line, ':'), *v = colon + 1;
        *colon = '\0';
        while (*v == ' ' || *v == '\t')
          v++;
        for (char *p = v; *p; p++)
          if (*p == '\t')
            *p = ' ';
        printf ("status.%s=%s", line, v);
      }
  fclose (f);
}

static void
map_lines (const char *name)
{
  char path[64], line[256];
  FILE *f;
  int i = 0;

  snprintf (path, sizeof (path), "/proc/self/%s", name);
  f = fopen (path, "r");
  if (f == NULL)
    return;
  while (fgets (line, sizeof (line), f))
    {
      unsigned long a, b, c;
      if (sscanf (line, "%lu %lu %lu", &a, &b, &c) == 3)
        printf ("%s.%d=%lu %lu %lu\n", name, i++, a, b, c);
    }
  fclose (f);
}

static void
fds (void)
{
  DIR *d = opendir ("/proc/self/fd");
  struct dirent *e;
  int mine = d ? dirfd (d) : -1, high = 0;

  while (d && (e = readdir (d)))
    {
      int fd = atoi (e->d_name);
      if (e->d_name[0] != '.' && fd != mine && fd > 2)
        {
          char p[64], t[256] = "";
          snprintf (p, sizeof (p), "/proc/self/fd/%d", fd);
          readlink (p, t, sizeof (t) - 1);
          printf ("fd.%d=%s\n", fd, t);
          high++;
        }
    }
  if (d)
    closedir (d);
  printf ("fds_above_2=%d\n", high);
}

static void
try_read (const char *key, const char *path)
{
  char buf[16];
  int fd = open (path, O_RDONLY);
  ssize_t n = fd >= 0 ? read (fd, buf, sizeof (buf)) : -1;

  if (fd < 0)
    printf ("%s=open:%s\n", key, strerror (errno));
  else
    printf ("%s=read:%zd\n", key, n);
  if (fd >= 0)
    close (fd);
}

static void
try_write (const char *key, const char *path)
{
  int fd = open (path, O_WRONLY);

  if (fd < 0)
    printf ("%s=%s\n", key, strerror (errno));
  else
    {
      ssize_t n = write (fd, "", 0);
      printf ("%s=%s\n", key, n < 0 ? strerror (errno) : "WRITABLE");
      close (fd);
    }
}

/* "mnt.<point>=<mount options> <fs type>" for the masked / read-only paths of interest */
static void
mount_lines (void)
{
  static const char *const points[]
      = { "/", "/proc/sys", "/proc/keys", "/proc/kcore", "/proc/acpi", "/sys", "/dev/null" };
  char line[1024];
  FILE *f = fopen ("/proc/self/mountinfo", "r");

  while (f && fgets (line, sizeof (line), f))
    {
      char *field[10] = { 0 }, *save = NULL, *tok = strtok_r (line, " \n", &save);
      int n = 0, dash = -1;
      for (; tok && n < 10; tok = strtok_r (NULL, " \n", &save))
        {
          if (strcmp (tok, "-") == 0)
            dash = n;
          field[n++] = tok;
        }
      if (n < 9 || dash < 0 || dash + 1 >= n)
        continue;
      for (size_t i = 0; i < sizeof (points) / sizeof (points[0]); i++)
        if (strcmp (field[4], points[i]) == 0)
          printf ("mnt.%s=%s %s\n", points[i], field[5], field[dash + 1]);
    }
  if (f)
    fclose (f);
}

static void
limits (void)
{
  static const struct
  {
    const char *name;
    int r;
  } t[] = { { "nofile", RLIMIT_NOFILE }, { "nproc", RLIMIT_NPROC }, { "core", RLIMIT_CORE } };
  for (size_t i = 0; i < sizeof (t) / sizeof (t[0]); i++)
    {
      struct rlimit l;
      getrlimit (t[i].r, &l);
      printf ("rlimit.%s=%llu %llu\n", t[i].name, (unsigned long long)l.rlim_cur,
              (unsigned long long)l.rlim_max);
    }
}

int
main (int argc, char **argv)
{
  char host[256] = "", exe[256] = "", p[64];
  int code = 0;

  for (int i = 1; i + 1 < argc; i += 2)
    {
      if (strcmp (argv[i], "exit") == 0)
        code = atoi (argv[i + 1]);
      else if (strcmp (argv[i], "print") == 0)
        {
          fputs (argv[i + 1], stdout);
          fflush (stdout);
        }
      else if (strcmp (argv[i], "stderr") == 0)
        {
          fputs (argv[i + 1], stderr);
          fflush (stderr);
        }
      else if (strcmp (argv[i], "big") == 0)
        {
          int n = atoi (argv[i + 1]);
          for (int k = 0; k < n; k++)
            putchar ('x');
          putchar ('\n');
        }
      else if (strcmp (argv[i], "sleep") == 0)
        sleep (atoi (argv[i + 1]));
      else if (strcmp (argv[i], "hostparent") == 0)
        {
          /* argv[i + 1]: the host's procfs, bind-mounted: our parent there is the shim's monitor */
          char st[512] = "", *r;
          int ppid = 0;
          FILE *f;

          snprintf (p, sizeof (p), "%s/self/stat", argv[i + 1]);
          f = fopen (p, "r");
          if (f && fgets (st, sizeof (st), f) && (r = strrchr (st, ')')) && sscanf (r + 2, "%*c %d", &ppid) == 1)
            printf ("hostparent_pid=%d\n", ppid);
          if (f)
            fclose (f);
          snprintf (p, sizeof (p), "%s/%d/exe", argv[i + 1], ppid);
          exe[0] = '\0';
          if (readlink (p, exe, sizeof (exe) - 1) > 0)
            printf ("hostparent_exe=%s\n", exe);
          else
            printf ("hostparent_exe_readlink=%s\n", strerror (errno));
          try_write ("hostparent_exe_write", p);
          fflush (stdout);
        }
      else if (strcmp (argv[i], "report") == 0)
        {
          gethostname (host, sizeof (host));
          printf ("hostname=%s\n", host);
          printf ("pid=%d\n", (int)getpid ());
          status_lines ();
          map_lines ("uid_map");
          map_lines ("gid_map");
          fds ();
          limits ();
          try_read ("kcore", "/proc/kcore");
          try_read ("keys", "/proc/keys");
          mount_lines ();
          try_write ("proc_sys_write", "/proc/sys/kernel/hostname");
          try_write ("self_exe_write", "/proc/self/exe");
          snprintf (p, sizeof (p), "/proc/%d/exe", (int)getppid ());
          if (readlink (p, exe, sizeof (exe) - 1) > 0)
            printf ("parent_exe=%s\n", exe);
          try_write ("parent_exe_write", p);
          try_write ("root_write", "/probe-write-test");
          fflush (stdout);
        }
    }
  return code;
}
