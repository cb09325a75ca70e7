/* exec.c -- a new process in a running container's namespaces (see exec.h). */
#define _GNU_SOURCE
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cgroup.h"
#include "exec.h"
#include "process.h"
#include "spec.h"
#include "sync.h"
#include "utils.h"

/* In joining order: user first, pid last (it applies to children only). */
static const struct
{
  const char *name;
  int flag;
} ns_order[] = { { "user", CLONE_NEWUSER }, { "mnt", CLONE_NEWNS },  { "uts", CLONE_NEWUTS },
                 { "ipc", CLONE_NEWIPC },   { "net", CLONE_NEWNET }, { "cgroup", CLONE_NEWCGROUP },
                 { "pid", CLONE_NEWPID } };
#define N_NS (sizeof (ns_order) / sizeof (ns_order[0]))

/* Opens the target's namespaces that differ from ours; fds[i] = -1 for a shared one. */
static int
open_target_namespaces (pid_t target, int fds[N_NS], shim_error_t *err)
{
  size_t i;

  for (i = 0; i < N_NS; i++)
    {
      char path[64], own[64];
      struct stat a, b;

      fds[i] = -1;
      snprintf (path, sizeof (path), "/proc/%d/ns/%s", (int)target, ns_order[i].name);
      snprintf (own, sizeof (own), "/proc/self/ns/%s", ns_order[i].name);
      if (stat (path, &a) < 0)
        return shim_make_error (err, errno, "container process %d: `%s`", (int)target, path);
      if (stat (own, &b) == 0 && a.st_ino == b.st_ino && a.st_dev == b.st_dev)
        continue;
      fds[i] = open (path, O_RDONLY | O_CLOEXEC);
      if (fds[i] < 0)
        return shim_make_error (err, errno, "open `%s`", path);
    }
  return 0;
}

static void
close_all (int fds[N_NS])
{
  size_t i;

  for (i = 0; i < N_NS; i++)
    if (fds[i] >= 0)
      close (fds[i]);
}

static void __attribute__ ((noreturn)) exec_child (shim_container_t *c, const sigset_t *mask)
{
  shim_error_t err = NULL;

  char go;

  signal (SIGPIPE, SIG_DFL);
  sigprocmask (SIG_SETMASK, mask, NULL);
  /* wait until the shim has set the oom score and the cgroup */
  if (shim_read_all (c->init_sync_fd, &go, 1) != 1)
    shim_make_error (&err, errno ? errno : EPIPE, "waiting for the shim");
  else if (!c->terminal && (dup2 (c->init_out_fd[1], 1) < 0 || dup2 (c->init_out_fd[2], 2) < 0))
    shim_make_error (&err, errno, "setting up stdio");
  else
    {
      int devnull = open ("/dev/null", O_RDWR);
      if (devnull >= 0)
        dup2 (c->init_in_fd >= 0 ? c->init_in_fd : devnull, 0);
      if (c->terminal && devnull >= 0)
        {
          dup2 (devnull, 1);
          dup2 (devnull, 2);
          /* joined a user namespace as an unmapped uid (root mode): become its root, so the new
             pty belongs to a mapped user and can be given to process.user */
          if (geteuid () != 0)
            {
              if (setresgid (0, 0, 0) < 0 || setresuid (0, 0, 0) < 0)
                { /* left to the console step's chown to report */
                }
            }
        }
      shim_process_setup_and_exec (c, &err);
    }
  shim_error_send (c->init_err_fd, err);
  _exit (127);
}

/* The helper: setns everything, clone the process as the shim's child, report its pid, exit. */
static void __attribute__ ((noreturn))
join_and_spawn (shim_container_t *c, int fds[N_NS], int pid_fd, const sigset_t *mask)
{
  shim_error_t err = NULL;
  pid_t pid;
  size_t i;

  for (i = 0; i < N_NS; i++)
    if (fds[i] >= 0 && setns (fds[i], ns_order[i].flag) < 0)
      {
        shim_make_error (&err, errno, "joining the container's %s namespace", ns_order[i].name);
        shim_error_send (c->init_err_fd, err);
        _exit (1);
      }
  pid = syscall (SYS_clone, (unsigned long)CLONE_PARENT | SIGCHLD, 0, NULL, NULL, 0);
  if (pid < 0)
    {
      shim_make_error (&err, errno, "clone");
      shim_error_send (c->init_err_fd, err);
      _exit (1);
    }
  if (pid == 0)
    {
      close (pid_fd);
      exec_child (c, mask);
    }
  if (shim_write_all (pid_fd, &pid, sizeof (pid)) < 0)
    _exit (1);
  _exit (0);
}

int
shim_exec_start (shim_container_t *c, pid_t target, const sigset_t *child_mask, int warn_fd,
                 shim_error_t *err)
{
  int fds[N_NS], out1[2], out2[2], errp[2], pidp[2], sock[2], status;
  char go = 'G';
  pid_t helper, pid = -1;

  if (open_target_namespaces (target, fds, err) < 0)
    {
      close_all (fds);
      return -1;
    }
  if (pipe2 (out1, O_CLOEXEC) < 0 || pipe2 (out2, O_CLOEXEC) < 0 || pipe2 (errp, O_CLOEXEC) < 0
      || pipe2 (pidp, O_CLOEXEC) < 0 || socketpair (AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sock) < 0)
    return shim_make_error (err, errno, "pipe");
  if (shim_container_stdin_pipe (c, err) < 0)
    return -1;
  c->init_sync_fd = sock[1];
  c->init_out_fd[1] = out1[1];
  c->init_out_fd[2] = out2[1];
  c->init_err_fd = errp[1];

  helper = fork ();
  if (helper < 0)
    return shim_make_error (err, errno, "fork");
  if (helper == 0)
    {
      close (pidp[0]);
      close (sock[0]);
      if (c->in_fd >= 0)
        close (c->in_fd);
      join_and_spawn (c, fds, pidp[1], child_mask);
    }
  close_all (fds);
  close (out1[1]);
  close (out2[1]);
  close (errp[1]);
  close (pidp[1]);
  close (sock[1]);
  if (c->init_in_fd >= 0)
    close (c->init_in_fd);
  c->init_in_fd = -1;
  c->out_fd[1] = out1[0];
  c->out_fd[2] = out2[0];
  if (shim_read_all (pidp[0], &pid, sizeof (pid)) != sizeof (pid))
    pid = -1;
  close (pidp[0]);
  while (waitpid (helper, &status, 0) < 0 && errno == EINTR)
    ;
  if (pid > 0)
    {
      c->pid = pid;
      if (shim_set_oom_score_adj (pid, shim_spec_get (c->spec, "process.oomScoreAdj"), err) < 0
          || shim_set_cgroup (pid, c->spec, warn_fd, err) < 0)
        {
          kill (pid, SIGKILL);
          close (sock[0]);
          close (errp[0]);
          waitpid (pid, &status, 0);
          return -1;
        }
    }
  if (pid > 0 && shim_write_all (sock[0], &go, 1) == 1)
    shim_container_receive_console (c, sock[0]);
  close (sock[0]);
  /* errors of the helper or of the process arrive here; EOF without data = exec'd */
  if (shim_sync_read_init_error (errp[0], err) < 0)
    {
      close (errp[0]);
      if (pid > 0)
        waitpid (pid, &status, 0);
      return -1;
    }
  close (errp[0]);
  if (pid <= 0)
    return shim_make_error (err, EIO, "exec helper exited without starting the process");
  return 0;
}
