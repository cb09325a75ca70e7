/* supervise.c -- signal forwarding, output to the log, reaping, exit file (see supervise.h). */
#define _GNU_SOURCE
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "log.h"
#include "supervise.h"
#include "utils.h"

static const int forwarded[] = { SIGTERM, SIGINT, SIGHUP, SIGUSR1, SIGUSR2 };

static void
supervised_set (sigset_t *set)
{
  size_t i;

  sigemptyset (set);
  sigaddset (set, SIGCHLD);
  for (i = 0; i < sizeof (forwarded) / sizeof (forwarded[0]); i++)
    sigaddset (set, forwarded[i]);
}

int
shim_block_signals (sigset_t *old, shim_error_t *err)
{
  sigset_t set;

  supervised_set (&set);
  if (sigprocmask (SIG_BLOCK, &set, old) < 0)
    return shim_make_error (err, errno, "sigprocmask");
  return 0;
}

int
shim_format_exit_status (int wait_status, const struct timespec *finished, char *buf, size_t size)
{
  char ts[64];
  int code = 0, sig = 0;

  if (WIFEXITED (wait_status))
    code = WEXITSTATUS (wait_status);
  else if (WIFSIGNALED (wait_status))
    {
      sig = WTERMSIG (wait_status);
      code = 128 + sig;
    }
  shim_format_rfc3339nano (finished, ts, sizeof (ts));
  return snprintf (buf, size, "{\"exitCode\":%d,\"signal\":%d,\"oom\":false,\"finishedAt\":\"%s\"}\n", code,
                   sig, ts);
}

/* Reads one chunk; returns bytes read, 0 on EOF, -1 when nothing is available. */
static ssize_t
pump (int fd, int stream, int log_fd, char *buf, size_t size)
{
  shim_error_t err = NULL;
  ssize_t n;

  do
    n = read (fd, buf, size);
  while (n < 0 && errno == EINTR);
  if (n < 0)
    return errno == EAGAIN ? -1 : 0;
  if (n > 0 && shim_log_write_chunk (log_fd, stream, buf, n, &err) < 0)
    shim_error_release (&err); /* a full disk must not kill the container: the data is dropped */
  return n;
}

int
shim_supervise (shim_container_t *c, int log_fd, const char *exit_file, shim_error_t *err)
{
  static char buf[65536];
  cleanup_close int sfd = -1;
  struct pollfd fds[3];
  int status = 0, exited = 0, i;
  sigset_t set;

  supervised_set (&set);
  sfd = signalfd (-1, &set, SFD_CLOEXEC);
  if (sfd < 0)
    return shim_make_error (err, errno, "signalfd");
  fds[0] = (struct pollfd){ .fd = sfd, .events = POLLIN };
  for (i = 1; i <= 2; i++)
    fds[i] = (struct pollfd){ .fd = c->out_fd[i], .events = POLLIN };

  while (!exited)
    {
      if (poll (fds, 3, -1) < 0)
        {
          if (errno == EINTR)
            continue;
          return shim_make_error (err, errno, "poll");
        }
      for (i = 1; i <= 2; i++)
        if (fds[i].fd >= 0 && fds[i].revents && pump (fds[i].fd, i, log_fd, buf, sizeof (buf)) == 0)
          {
            close (fds[i].fd);
            fds[i].fd = -1;
          }
      if (fds[0].revents & POLLIN)
        {
          struct signalfd_siginfo si;
          pid_t p;
          int st;

          if (read (sfd, &si, sizeof (si)) != sizeof (si))
            continue;
          if (si.ssi_signo != SIGCHLD)
            {
              kill (c->pid, si.ssi_signo);
              continue;
            }
          while ((p = waitpid (-1, &st, WNOHANG)) > 0)
            if (p == c->pid)
              {
                status = st;
                exited = 1;
              }
        }
    }

  /* drain what is already buffered, without waiting for an orphan that holds the pipes */
  for (i = 1; i <= 2; i++)
    if (fds[i].fd >= 0)
      {
        fcntl (fds[i].fd, F_SETFL, O_NONBLOCK);
        while (pump (fds[i].fd, i, log_fd, buf, sizeof (buf)) > 0)
          ;
        close (fds[i].fd);
      }

  {
    char line[256];
    struct timespec now;
    int n;

    clock_gettime (CLOCK_REALTIME, &now);
    n = shim_format_exit_status (status, &now, line, sizeof (line));
    return shim_write_file_atomic (exit_file, line, n, err);
  }
}
