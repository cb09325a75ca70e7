/* network.c -- slirp4netns for the container's network namespace (see network.h). */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include "network.h"
#include "spec.h"
#include "utils.h"

#define READY_TIMEOUT_MS 10000

static void
put_json (json_object **o)
{
  if (*o)
    json_object_put (*o);
}
#define cleanup_json __attribute__ ((cleanup (put_json)))

static const char *
str (json_object *o, const char *key)
{
  json_object *v;
  return json_object_object_get_ex (o, key, &v) && json_object_is_type (v, json_type_string)
             ? json_object_get_string (v)
             : NULL;
}

char *
shim_network_hostfwd_request (json_object *forward)
{
  json_object *req = json_object_new_object (), *args = json_object_new_object (), *v;
  const char *keys[] = { "proto", "host_addr", "host_port", "guest_port" };
  char *out;
  size_t i;

  json_object_object_add (req, "execute", json_object_new_string ("add_hostfwd"));
  for (i = 0; i < sizeof (keys) / sizeof (keys[0]); i++)
    if (json_object_object_get_ex (forward, keys[i], &v))
      json_object_object_add (args, keys[i], json_object_get (v));
  json_object_object_add (req, "arguments", args);
  out = xstrdup (json_object_to_json_string_ext (req, JSON_C_TO_STRING_PLAIN));
  json_object_put (req);
  return out;
}

/* The last non-empty line of slirp4netns' log, for an error message. */
static void
last_log_line (const char *log, char *buf, size_t size)
{
  char tmp[4096];
  ssize_t n = -1;
  int fd = log ? open (log, O_RDONLY | O_CLOEXEC) : -1;

  snprintf (buf, size, "(no output)");
  if (fd < 0)
    return;
  off_t end = lseek (fd, 0, SEEK_END);
  if (end > 0)
    n = pread (fd, tmp, sizeof (tmp) - 1, end > (off_t)sizeof (tmp) - 1 ? end - (off_t)sizeof (tmp) + 1 : 0);
  close (fd);
  if (n <= 0)
    return;
  tmp[n] = '\0';
  while (n > 0 && (tmp[n - 1] == '\n' || tmp[n - 1] == ' '))
    tmp[--n] = '\0';
  char *line = strrchr (tmp, '\n');
  line = line ? line + 1 : tmp;
  size_t len = strnlen (line, size - 1);
  memcpy (buf, line, len);
  buf[len] = '\0';
}

/* One request on the API socket; 0 when slirp4netns answered without "error". */
static int
api_call (const char *socket_path, const char *request, char *answer, size_t size, shim_error_t *err)
{
  struct sockaddr_un addr = { .sun_family = AF_UNIX };
  cleanup_close int fd = socket (AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  ssize_t n, got = 0;

  if (fd < 0)
    return shim_make_error (err, errno, "socket");
  if (strlen (socket_path) >= sizeof (addr.sun_path))
    return shim_make_error (err, ENAMETOOLONG, "slirp4netns API socket path `%s` is too long", socket_path);
  strcpy (addr.sun_path, socket_path);
  if (connect (fd, (struct sockaddr *)&addr, sizeof (addr)) < 0)
    return shim_make_error (err, errno, "connect to slirp4netns API socket `%s`", socket_path);
  if (shim_write_all (fd, request, strlen (request)) < 0 || shutdown (fd, SHUT_WR) < 0)
    return shim_make_error (err, errno, "write to slirp4netns API socket");
  while (got < (ssize_t)size - 1 && (n = read (fd, answer + got, size - 1 - got)) > 0)
    got += n;
  answer[got < 0 ? 0 : got] = '\0';
  return 0;
}

static int
add_forwards (json_object *conf, const char *api, shim_error_t *err)
{
  json_object *forwards, *f, *v;
  size_t i;

  if (!json_object_object_get_ex (conf, "forwards", &forwards) || !json_object_is_type (forwards, json_type_array))
    return 0;
  for (i = 0; i < json_object_array_length (forwards); i++)
    {
      char answer[1024];
      f = json_object_array_get_idx (forwards, i);
      cleanup_free char *req = shim_network_hostfwd_request (f);
      if (api_call (api, req, answer, sizeof (answer), err) < 0)
        return -1;
      cleanup_json json_object *reply = json_tokener_parse (answer);
      if (reply == NULL || json_object_object_get_ex (reply, "error", &v))
        {
          const char *proto = str (f, "proto"), *addr = str (f, "host_addr");
          json_object *hp = NULL, *gp = NULL;
          json_object_object_get_ex (f, "host_port", &hp);
          json_object_object_get_ex (f, "guest_port", &gp);
          return shim_make_error (err, EADDRINUSE,
                                  "slirp4netns cannot listen on %s:%d/%s for container port %d (address in use or"
                                  " not permitted): %s",
                                  addr ? addr : "0.0.0.0", json_object_get_int (hp), proto ? proto : "tcp",
                                  json_object_get_int (gp), answer);
        }
    }
  return 0;
}

int
shim_set_network (pid_t pid, json_object *spec, shim_error_t *err)
{
  json_object *ann = shim_spec_get (spec, "annotations"), *v = NULL, *args;
  const char *path, *api, *log;
  int ready[2], exitp[2], ret;
  pid_t child;
  char pidbuf[16], c;

  if (ann == NULL || !json_object_object_get_ex (ann, "dev.skiff.network.slirp4netns", &v))
    return 0;
  cleanup_json json_object *conf = json_tokener_parse (json_object_get_string (v));
  if (conf == NULL || (path = str (conf, "path")) == NULL || (api = str (conf, "apiSocket")) == NULL)
    return shim_make_error (err, EINVAL, "annotation dev.skiff.network.slirp4netns: not a valid configuration");
  log = str (conf, "log");
  if (!json_object_object_get_ex (conf, "args", &args) || !json_object_is_type (args, json_type_array))
    args = NULL;

  size_t nargs = args ? json_object_array_length (args) : 0, k = 0, i;
  cleanup_free char **argv = xmalloc0 ((nargs + 10) * sizeof (char *));
  argv[k++] = (char *)path;
  for (i = 0; i < nargs; i++)
    argv[k++] = (char *)json_object_get_string (json_object_array_get_idx (args, i));
  argv[k++] = (char *)"--configure";
  argv[k++] = (char *)"--ready-fd=3";
  argv[k++] = (char *)"--exit-fd=4";
  argv[k++] = (char *)"--api-socket";
  argv[k++] = (char *)api;
  snprintf (pidbuf, sizeof (pidbuf), "%d", (int)pid);
  argv[k++] = pidbuf;
  argv[k++] = (char *)"tap0";
  argv[k] = NULL;

  unlink (api);
  if (shim_pipe_pair (ready, exitp, err) < 0)
    return -1;
  child = fork ();
  if (child < 0)
    {
      ret = errno;
      close (ready[0]);
      close (ready[1]);
      close (exitp[0]);
      close (exitp[1]);
      return shim_make_error (err, ret, "fork slirp4netns");
    }
  if (child == 0)
    {
      int devnull = open ("/dev/null", O_RDWR), logfd = -1;
      sigset_t none;

      sigemptyset (&none);
      sigprocmask (SIG_SETMASK, &none, NULL); /* the monitor blocks signals for its signalfd */
      if (log)
        logfd = open (log, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
      /* fds 3 and 4 as the command line says; dup2 clears close-on-exec */
      int r = fcntl (ready[1], F_DUPFD_CLOEXEC, 10), e = fcntl (exitp[0], F_DUPFD_CLOEXEC, 10);
      if (devnull < 0 || r < 0 || e < 0 || dup2 (devnull, 0) < 0 || dup2 (devnull, 1) < 0
          || dup2 (logfd >= 0 ? logfd : devnull, 2) < 0 || dup2 (r, 3) < 0 || dup2 (e, 4) < 0)
        _exit (126);
      syscall (SYS_close_range, 5, ~0U, 0); /* nothing of the monitor's (log, attach, pipes) */
      execv (path, argv);
      dprintf (2, "exec %s: %s\n", path, strerror (errno));
      _exit (127);
    }
  close (ready[1]);
  close (exitp[0]);

  struct pollfd p = { .fd = ready[0], .events = POLLIN };
  do
    ret = poll (&p, 1, READY_TIMEOUT_MS);
  while (ret < 0 && errno == EINTR);
  ssize_t got = ret > 0 ? read (ready[0], &c, 1) : 0;
  close (ready[0]);
  if (got != 1)
    {
      char line[512];
      kill (child, SIGKILL);
      waitpid (child, NULL, 0);
      close (exitp[1]);
      last_log_line (log, line, sizeof (line));
      return shim_make_error (err, ret == 0 ? ETIMEDOUT : ENETDOWN, "slirp4netns %s: %s",
                              ret == 0 ? "was not ready within 10 s" : "failed", line);
    }
  if (add_forwards (conf, api, err) < 0)
    {
      kill (child, SIGKILL);
      waitpid (child, NULL, 0);
      close (exitp[1]);
      return -1;
    }
  /* exitp[1] stays open (close-on-exec) for the monitor's lifetime: its end ends slirp4netns */
  return 0;
}
