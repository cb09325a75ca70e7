/* supervise.c -- signal forwarding, output to the log, reaping, exit file (see supervise.h). */
#define _GNU_SOURCE
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/signalfd.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cgroup.h"
#include "console.h"
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
  return shim_format_exit_status_oom (wait_status, finished, 0, buf, size);
}

int
shim_format_exit_status_oom (int wait_status, const struct timespec *finished, long long oom_kills, char *buf,
                             size_t size)
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
  if (oom_kills > 0)
    return snprintf (buf, size, "{\"exitCode\":%d,\"signal\":%d,\"oom\":true,\"oomKills\":%lld,\"finishedAt\":\"%s\"}\n",
                     code, sig, oom_kills, ts);
  return snprintf (buf, size, "{\"exitCode\":%d,\"signal\":%d,\"oom\":false,\"finishedAt\":\"%s\"}\n", code,
                   sig, ts);
}

struct supervisor_s
{
  shim_container_t *c;
  const struct shim_supervise_opts_s *o;
  int out[3];  /* [1], [2]: output fds (a terminal's master is [1]) */
  int console; /* the terminal's master, -1 = none */
  int in_fd;   /* write end of the stdin pipe, -1 = none */
  char *in_buf;
  size_t in_len;
  int close_stdin;
  int held;
  long hold_until;
  int untrimmed; /* activity since the last o->trim */
};

#define IN_BUF_SIZE (256 * 1024)

/* output is read into read_buf, stdin from the clients queues in in_queue (in .bss: no memory
   until they are used; see release_buffers) */
static char read_buf[SHIM_ATTACH_MAX_PAYLOAD] __attribute__ ((aligned (4096)));
static char in_queue[IN_BUF_SIZE] __attribute__ ((aligned (4096)));

/* After a burst of activity, when the loop has been idle SHIM_TRIM_IDLE_MS: the pages of the
   buffers that hold nothing between two events go back (the read and log buffers, the stdin queue
   when empty), then o->trim.  A waiting monitor keeps only what waiting needs. */
static void
release_buffers (struct supervisor_s *s)
{
  madvise (read_buf, sizeof (read_buf), MADV_DONTNEED);
  shim_log_release ();
  if (s->in_len == 0)
    madvise (in_queue, sizeof (in_queue), MADV_DONTNEED);
  if (s->o->trim)
    s->o->trim ();
}

static long
now_ms (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_MONOTONIC, &ts);
  return ts.tv_sec * 1000L + ts.tv_nsec / 1000000L;
}

/* Reads one chunk; returns bytes read, 0 on EOF (or EIO: a terminal without slave), -1 when
   nothing is available. */
static ssize_t
pump (struct supervisor_s *s, int i, char *buf, size_t size)
{
  shim_error_t err = NULL;
  ssize_t n;

  do
    n = read (s->out[i], buf, size);
  while (n < 0 && errno == EINTR);
  if (n < 0)
    return errno == EAGAIN ? -1 : 0;
  if (n > 0 && shim_log_write_chunk (s->o->log_fd, i, buf, n, &err) < 0)
    shim_error_release (&err); /* a full disk must not kill the container: the data is dropped */
  if (n > 0 && s->o->attach)
    shim_attach_broadcast (s->o->attach, i, buf, n);
  return n;
}

static void
on_stdin (void *data, const char *buf, size_t len)
{
  struct supervisor_s *s = data;

  if ((s->in_fd < 0 && s->console < 0) || s->close_stdin || s->in_len + len > IN_BUF_SIZE)
    return; /* nowhere to go (no --stdin); the caller keeps room for one frame */
  memcpy (s->in_buf + s->in_len, buf, len);
  s->in_len += len;
}

static void
on_close_stdin (void *data)
{
  struct supervisor_s *s = data;

  if (s->console < 0)
    s->close_stdin = 1;
}

static void
on_resize (void *data, unsigned rows, unsigned cols)
{
  struct supervisor_s *s = data;
  shim_error_t err = NULL;

  if (s->console >= 0 && shim_console_resize (s->console, rows, cols, &err) < 0)
    shim_error_release (&err);
}

static void
on_release (void *data)
{
  ((struct supervisor_s *)data)->held = 0;
}

/* Writes queued stdin; closes the pipe after "close stdin" once everything is written. */
static void
write_stdin (struct supervisor_s *s)
{
  int fd = s->console >= 0 ? s->console : s->in_fd;

  while (fd >= 0 && s->in_len > 0)
    {
      ssize_t n = write (fd, s->in_buf, s->in_len);
      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0 && errno == EAGAIN)
        return;
      if (n <= 0)
        {
          s->in_len = 0; /* the reader is gone (EPIPE) or the terminal closed: drop it */
          if (fd == s->in_fd)
            {
              close (s->in_fd);
              s->in_fd = -1;
            }
          break;
        }
      memmove (s->in_buf, s->in_buf + n, s->in_len - n);
      s->in_len -= (size_t)n;
    }
  if (s->close_stdin && s->in_len == 0 && s->in_fd >= 0)
    {
      close (s->in_fd);
      s->in_fd = -1;
    }
}

static void
handle_signal (struct supervisor_s *s, int sfd, int *status, int *exited)
{
  struct signalfd_siginfo si;
  pid_t p;
  int st;

  if (read (sfd, &si, sizeof (si)) != sizeof (si))
    return;
  if (si.ssi_signo != SIGCHLD)
    {
      kill (s->c->pid, si.ssi_signo);
      return;
    }
  while ((p = waitpid (-1, &st, WNOHANG)) > 0)
    if (p == s->c->pid)
      {
        *status = st;
        *exited = 1;
      }
}

/* One poll round over everything; returns -1 on a poll failure. */
static int
poll_once (struct supervisor_s *s, int sfd, int *status, int *exited, char *buf, size_t size, shim_error_t *err)
{
  struct pollfd fds[8 + SHIM_ATTACH_MAX_CLIENTS];
  shim_attach_t *a = s->o->attach;
  struct shim_attach_handler_s h = { s, on_stdin, on_close_stdin, on_resize, on_release };
  int n = 0, i, in_slot = -1, listen_slot = -1, first_client, n_clients, timeout = -1, ready;
  int reading = !s->held && (a == NULL || shim_attach_backlog (a) < SHIM_ATTACH_HIGH_WATER);

  fds[n++] = (struct pollfd){ .fd = sfd, .events = POLLIN };
  for (i = 1; i <= 2; i++)
    fds[n++] = (struct pollfd){ .fd = reading ? s->out[i] : -1, .events = POLLIN };
  if ((s->console >= 0 || s->in_fd >= 0) && s->in_len > 0)
    {
      in_slot = n;
      fds[n++] = (struct pollfd){ .fd = s->console >= 0 ? s->console : s->in_fd, .events = POLLOUT };
    }
  if (a && a->listen_fd >= 0)
    {
      listen_slot = n;
      fds[n++] = (struct pollfd){ .fd = a->listen_fd, .events = POLLIN };
    }
  first_client = n;
  n_clients = a ? a->n_clients : 0;
  for (i = 0; i < n_clients; i++)
    {
      struct shim_attach_client_s *c = a->clients[i];
      short ev = IN_BUF_SIZE - s->in_len >= sizeof (c->in) ? POLLIN : 0;
      if (c->out_len > c->out_off)
        ev |= POLLOUT;
      fds[n++] = (struct pollfd){ .fd = c->fd, .events = ev };
    }
  if (s->held)
    timeout = (int)(s->hold_until - now_ms () > 0 ? s->hold_until - now_ms () : 0);
  if (s->untrimmed && (timeout < 0 || timeout > SHIM_TRIM_IDLE_MS))
    timeout = SHIM_TRIM_IDLE_MS;
  ready = poll (fds, n, timeout);
  if (ready < 0)
    {
      if (errno == EINTR)
        return 0;
      return shim_make_error (err, errno, "poll");
    }
  if (ready == 0 && s->untrimmed && !s->held)
    {
      release_buffers (s);
      s->untrimmed = 0;
    }
  else if (ready > 0)
    s->untrimmed = 1;
  if (s->held && now_ms () >= s->hold_until)
    s->held = 0;
  for (i = 1; i <= 2; i++)
    if (fds[i].fd >= 0 && fds[i].revents && pump (s, i, buf, size) == 0)
      {
        if (s->out[i] != s->console)
          close (s->out[i]);
        s->out[i] = -1;
      }
  if (in_slot >= 0 && fds[in_slot].revents)
    write_stdin (s);
  /* clients from the last index down: dropping one moves the last into its slot */
  for (i = n_clients - 1; i >= 0; i--)
    {
      short rev = fds[first_client + i].revents;
      if (rev & POLLOUT)
        shim_attach_flush (a, i);
      if (i < a->n_clients && fds[first_client + i].fd == a->clients[i]->fd && (rev & (POLLIN | POLLHUP | POLLERR)))
        shim_attach_read (a, i, &h);
    }
  if (s->in_len > 0 || s->close_stdin)
    write_stdin (s);
  if (listen_slot >= 0 && fds[listen_slot].revents)
    shim_attach_accept (a);
  if (fds[0].revents & POLLIN)
    handle_signal (s, sfd, status, exited);
  return 0;
}

int
shim_supervise (shim_container_t *c, const struct shim_supervise_opts_s *o, shim_error_t *err)
{
  struct supervisor_s s = { .c = c, .o = o, .console = c->console_fd, .in_fd = c->in_fd };
  cleanup_close int sfd = -1;
  int status = 0, exited = 0, i, ret;
  sigset_t set;

  s.in_buf = in_queue;
  s.out[1] = c->console_fd >= 0 ? c->console_fd : c->out_fd[1];
  s.out[2] = c->console_fd >= 0 ? -1 : c->out_fd[2];
  s.held = o->hold_output && o->attach && o->attach->listen_fd >= 0;
  s.hold_until = now_ms () + SHIM_HOLD_MS;
  if (c->console_fd >= 0)
    fcntl (c->console_fd, F_SETFL, O_NONBLOCK);
  if (c->in_fd >= 0)
    fcntl (c->in_fd, F_SETFL, O_NONBLOCK);
  supervised_set (&set);
  sfd = signalfd (-1, &set, SFD_CLOEXEC);
  if (sfd < 0)
    return shim_make_error (err, errno, "signalfd");
  if (o->trim)
    o->trim ();

  while (!exited || s.held)
    if (poll_once (&s, sfd, &status, &exited, read_buf, sizeof (read_buf), err) < 0)
      return -1;

  /* drain what is already buffered, without waiting for an orphan that holds the pipes */
  for (i = 1; i <= 2; i++)
    if (s.out[i] >= 0)
      {
        fcntl (s.out[i], F_SETFL, O_NONBLOCK);
        while (pump (&s, i, read_buf, sizeof (read_buf)) > 0)
          ;
        if (s.out[i] != s.console)
          close (s.out[i]);
      }
  if (s.console >= 0)
    close (s.console);
  if (s.in_fd >= 0)
    close (s.in_fd);

  {
    char line[256];
    struct timespec now;
    int n;

    clock_gettime (CLOCK_REALTIME, &now);
    /* after the reap, before the file: the memory cgroup's OOM kills (issue 3, OOMKilled) */
    n = shim_format_exit_status_oom (status, &now, shim_cgroup_oom_kills (o->oom_file), line, sizeof (line));
    ret = shim_write_file_atomic (o->exit_file, line, n, err);
  }
  if (o->attach)
    shim_attach_close (o->attach, 5000);
  return ret;
}
