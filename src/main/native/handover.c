/* handover.c -- the monitor re-executes from the on-disk binary to supervise (see handover.h). */
#define _GNU_SOURCE
#include <dirent.h>
#include <elf.h>
#include <fcntl.h>
#include <link.h>
#include <linux/close_range.h>
#include <linux/nsfs.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cloned_binary.h"
#include "handover.h"
#include "utils.h"

extern char **environ;

enum
{
  FD_OUT1,
  FD_OUT2,
  FD_CONSOLE,
  FD_IN,
  FD_KEEP,
  FD_LOG,
  FD_LISTEN,
  N_FDS
};

int
shim_pidns_is_below (int ns, dev_t own_dev, ino_t own_ino)
{
  int fd = dup (ns), depth, below = 0;

  /* pid namespaces nest at most 32 deep */
  for (depth = 0; fd >= 0 && depth <= 33; depth++)
    {
      struct stat st;
      int parent;

      if (fstat (fd, &st) < 0)
        break;
      if (st.st_dev == own_dev && st.st_ino == own_ino)
        {
          below = depth > 0;
          break;
        }
      parent = ioctl (fd, NS_GET_PARENT);
      close (fd);
      fd = parent; /* EPERM: above the caller's pid namespace, or the top */
    }
  if (fd >= 0)
    close (fd);
  return below;
}

/* 1 when no procfs of the container's pid namespace can list the monitor. */
static int
hidden_from (pid_t pid)
{
  char path[64];
  cleanup_close int ns = -1;
  struct stat own;

  snprintf (path, sizeof (path), "/proc/%d/ns/pid", (int)pid);
  ns = open (path, O_RDONLY | O_CLOEXEC);
  if (ns < 0 || stat ("/proc/self/ns/pid", &own) < 0)
    return 0;
  return shim_pidns_is_below (ns, own.st_dev, own.st_ino);
}

static int
set_cloexec (int fd, int on)
{
  int flags = fcntl (fd, F_GETFD);

  if (flags < 0)
    return -1;
  return fcntl (fd, F_SETFD, on ? flags | FD_CLOEXEC : flags & ~FD_CLOEXEC);
}

#define MAX_KEPT 256

/* Clears close-on-exec on every open fd above 2 but `except` (the monitor keeps all it had: e.g.
   the write end of slirp4netns' exit fd, network.h); records the fds it changed in kept[].
   Returns how many, or -1 when they cannot all be kept (too many, or /proc unreadable). */
static int
keep_all_fds (int except, int kept[MAX_KEPT])
{
  DIR *d = opendir ("/proc/self/fd");
  struct dirent *e;
  int n = 0, fd, flags;

  if (d == NULL)
    return -1;
  while ((e = readdir (d)) != NULL)
    {
      fd = atoi (e->d_name);
      if (e->d_name[0] < '0' || e->d_name[0] > '9' || fd <= 2 || fd == except || fd == dirfd (d))
        continue;
      flags = fcntl (fd, F_GETFD);
      if (flags < 0 || !(flags & FD_CLOEXEC))
        continue;
      if (n == MAX_KEPT || fcntl (fd, F_SETFD, flags & ~FD_CLOEXEC) < 0)
        {
          n = -1 - n; /* undone by the caller */
          break;
        }
      kept[n++] = fd;
    }
  closedir (d);
  return n;
}

int
shim_handover (char *argv0, const char *id, const shim_container_t *c, const struct shim_supervise_opts_s *o)
{
  int fds[N_FDS], kept[MAX_KEPT], n_kept, i;
  char pid[16], list[128], *argv[8];
  cleanup_close int disk = -1;
  siginfo_t si;

  /* a container process that has already exited (`run true`): supervising ends at once, an
     execve would only delay its exit file */
  memset (&si, 0, sizeof (si));
  if (waitid (P_PID, c->pid, &si, WEXITED | WNOHANG | WNOWAIT) == 0 && si.si_pid == c->pid)
    return -1;
  if (getenv ("_SKIFF_NO_HANDOVER") != NULL || !hidden_from (c->pid))
    return -1;
  disk = shim_disk_binary_open ();
  if (disk < 0)
    return -1;
  n_kept = keep_all_fds (disk, kept);
  fds[FD_OUT1] = c->console_fd >= 0 ? -1 : c->out_fd[1];
  fds[FD_OUT2] = c->console_fd >= 0 ? -1 : c->out_fd[2];
  fds[FD_CONSOLE] = c->console_fd;
  fds[FD_IN] = c->in_fd;
  fds[FD_KEEP] = c->out_fd[0];
  fds[FD_LOG] = o->log_fd;
  fds[FD_LISTEN] = o->attach ? o->attach->listen_fd : -1;
  snprintf (pid, sizeof (pid), "%d", (int)c->pid);
  snprintf (list, sizeof (list), "%d,%d,%d,%d,%d,%d,%d,%d", fds[0], fds[1], fds[2], fds[3], fds[4], fds[5],
            fds[6], o->hold_output);
  argv[0] = argv0;
  argv[1] = (char *)"supervise";
  argv[2] = (char *)id;
  argv[3] = pid;
  argv[4] = list;
  argv[5] = (char *)o->exit_file;
  argv[6] = fds[FD_LISTEN] >= 0 ? o->attach->path : NULL;
  argv[7] = NULL;
  /* the memory cgroup's OOM counter (cgroup.h) goes over in the environment: optional */
  if (o->oom_file != NULL)
    setenv ("_SKIFF_OOM_FILE", o->oom_file, 1);
  if (n_kept >= 0)
    execveat (disk, "", argv, environ, AT_EMPTY_PATH);
  unsetenv ("_SKIFF_OOM_FILE");
  for (i = 0; i < (n_kept >= 0 ? n_kept : -1 - n_kept); i++)
    set_cloexec (kept[i], 1);
  return -1;
}

extern const ElfW (Ehdr) __ehdr_start; /* the linker's: this binary's ELF header, as mapped */

/* Unmaps this binary's read-only segments (handover.h).  Only clean page-cache pages are dropped
   (never a writable segment: its private copies, .data and the relocated RELRO, would be lost;
   only pages wholly inside a read-only segment); what runs next faults its pages back in. */
static void
drop_readonly_segments (void)
{
  const ElfW (Phdr) *ph = (const ElfW (Phdr) *)((const char *)&__ehdr_start + __ehdr_start.e_phoff);
  uintptr_t bias = 0, page = (uintptr_t)sysconf (_SC_PAGESIZE), start[16], end[16];
  int i, n = 0, have_bias = 0;

  /* the ranges first: the program headers are in the first segment, unmapped below */
  for (i = 0; i < __ehdr_start.e_phnum && n < 16; i++)
    {
      if (ph[i].p_type != PT_LOAD)
        continue;
      if (!have_bias) /* the first PT_LOAD maps the ELF header */
        bias = (uintptr_t)&__ehdr_start - (ph[i].p_vaddr - ph[i].p_offset);
      have_bias = 1;
      if (ph[i].p_flags & PF_W)
        continue;
      start[n] = (bias + ph[i].p_vaddr + page - 1) & ~(page - 1);
      end[n] = (bias + ph[i].p_vaddr + ph[i].p_memsz) & ~(page - 1);
      if (end[n] > start[n])
        n++;
    }
  for (i = 0; i < n; i++)
    madvise ((void *)start[i], end[i] - start[i], MADV_DONTNEED);
}

int
shim_handover_main (int argc, char **argv)
{
  shim_container_t c;
  shim_attach_t attach;
  struct shim_supervise_opts_s sup;
  shim_error_t err = NULL;
  sigset_t ignored;
  int fds[N_FDS], hold, pid, i, n = 0;

  /* first: from here on /proc/<monitor>/exe is the on-disk binary (handover.h) */
  prctl (PR_SET_DUMPABLE, 0, 0, 0, 0);
  if (argc < 6 || argc > 7 || sscanf (argv[3], "%d%n", &pid, &n) != 1 || argv[3][n] != '\0' || pid <= 0
      || sscanf (argv[4], "%d,%d,%d,%d,%d,%d,%d,%d%n", &fds[0], &fds[1], &fds[2], &fds[3], &fds[4], &fds[5],
                 &fds[6], &hold, &n)
             != 8
      || argv[4][n] != '\0' || (argc == 7) != (fds[FD_LISTEN] >= 0))
    {
      fprintf (stderr, "skiff-shim: supervise is internal (the monitor's handover)\n");
      return 2;
    }
  for (i = 0; i < N_FDS; i++)
    if (fds[i] >= 0 && fcntl (fds[i], F_GETFD) < 0)
      {
        fprintf (stderr, "skiff-shim supervise: fd %d is not open\n", fds[i]);
        return 2;
      }
  /* every fd the monitor had came over the execve: close-on-exec again, as before */
  if (syscall (SYS_close_range, 3, ~0U, CLOSE_RANGE_CLOEXEC) < 0)
    for (i = 3; i < 1024; i++)
      set_cloexec (i, 1);
  signal (SIGPIPE, SIG_IGN);
  if (shim_block_signals (&ignored, &err) < 0)
    return 1;
  memset (&c, 0, sizeof (c));
  c.id = argv[2];
  c.pid = (pid_t)pid;
  c.out_fd[0] = fds[FD_KEEP];
  c.out_fd[1] = fds[FD_OUT1];
  c.out_fd[2] = fds[FD_OUT2];
  c.console_fd = fds[FD_CONSOLE];
  c.in_fd = fds[FD_IN];
  shim_attach_init (&attach);
  if (argc == 7)
    {
      attach.listen_fd = fds[FD_LISTEN];
      attach.path = xstrdup (argv[6]);
    }
  sup = (struct shim_supervise_opts_s){ .log_fd = fds[FD_LOG], .exit_file = argv[5], .attach = &attach,
                                       .hold_output = hold, .oom_file = getenv ("_SKIFF_OOM_FILE") };
  /* The start-up (relocation, libc's initialisation, this parsing) faulted in, 64 KiB of
     fault-around at a time, most of the read-only part of the binary, and so does the first burst
     of output.  The loop unmaps it when it has been idle a while: clean page-cache pages, shared
     by every monitor and refetched on use; a monitor waiting in poll() keeps mapped little more
     than what its loop touches. */
  if (getenv ("_SKIFF_KEEP_TEXT") == NULL)
    sup.trim = drop_readonly_segments;
  if (shim_supervise (&c, &sup, &err) < 0)
    return 1;
  return 0;
}
