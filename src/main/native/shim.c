/* shim.c -- skiff-shim: main.  Parses argv/env and calls the steps in order; nothing else.
 *
 * Contract with the daemon (docs/shim-protocol.md):
 *
 *   skiff-shim run --bundle DIR --id ID --exit-file PATH --log-file PATH
 *                  [--pid-file PATH] [--cache-dir DIR]
 *                  [--attach-socket PATH [--hold-output]] [--stdin] [--console-size ROWSxCOLS]
 *   env _SKIFF_SYNC_FD=N   an inherited pipe/socket to the daemon
 *
 *   1. Re-exec from a sealed memfd copy (CVE-2019-5736), read and validate DIR/config.json.
 *   2. Detach: the process the daemon started forks; the child calls setsid() and forks the
 *      monitor, then exits; the started process waits for it and exits (0, or 1 when the bundle
 *      was rejected before detaching).  The monitor survives the daemon; its stdio is /dev/null.
 *   3. The monitor clones the container init, and on the sync fd sends {"warning":"..."} lines,
 *      then exactly one of {"pid":N} (container process exec'd; N in the shim's pid namespace)
 *      or {"errno":E,"message":"<step>: <detail>"}; then closes it.  The pid file, if asked,
 *      gets N (written atomically) before {"pid":N} is sent.
 *   4. It re-executes from the on-disk binary (`skiff-shim supervise ...`, same pid; handover.h)
 *      unless the container could see it, then supervises: output to the log file (k8s-file) and
 *      the attach socket's clients, stdin and terminal resizes from them (attach.h, supervise.h),
 *      signal forwarding, reaping; then writes
 *      the exit file atomically: {"exitCode":N,"signal":S,"oom":false,"finishedAt":"..."}.
 *   Without _SKIFF_SYNC_FD the lines go to stdout (for manual use).
 *
 *   `run --userns-holder PIDFILE` clones the container's user namespace inside the namespace
 *   holder's and writes its maps directly (holder.h); `skiff-shim holder ...` creates the holder.
 *
 *   skiff-shim exec ... joins a running container instead (exec.h); the OCI command-line subset
 *   (create/start/state/kill/delete and `run ID`) is in oci.h.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <malloc.h>
#include <getopt.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "archive.h"
#include "attach.h"
#include "cloned_binary.h"
#include "cgroup.h"
#include "container.h"
#include "exec.h"
#include "handover.h"
#include "holder.h"
#include "oci.h"
#include "supervise.h"
#include "sync.h"
#include "utils.h"
#include "userns_ops.h"

enum shim_mode_e
{
  MODE_RUN,  /* daemon protocol */
  MODE_EXEC, /* daemon protocol, into a running container */
  MODE_OCI_CREATE,
  MODE_OCI_RUN
};

struct shim_options_s
{
  enum shim_mode_e mode;
  const char *root; /* OCI modes */
  const char *bundle, *id, *exit_file, *log_file, *pid_file, *cache_dir, *process;
  const char *attach_socket, *console_size;
  const char *userns_holder; /* run: the namespace holder's pid file (holder.h) */
  int stdin_pipe, hold_output;
  pid_t target;
};

static void
usage_and_exit (void)
{
  fprintf (stderr, "usage: skiff-shim run --bundle DIR --id ID --exit-file PATH --log-file PATH "
                   "[--pid-file PATH] [--cache-dir DIR] [--userns-holder PIDFILE]\n"
                   "       skiff-shim exec --bundle DIR --id ID --pid PID --process FILE --exit-file PATH "
                   "--log-file PATH [--pid-file PATH] [--cache-dir DIR]\n"
                   "       (run and exec: [--attach-socket PATH [--hold-output]] [--stdin] "
                   "[--console-size ROWSxCOLS])\n"
                   "       (env _SKIFF_SYNC_FD=N)\n"
                   "       skiff-shim [--root DIR] create|run [--bundle DIR] [--pid-file PATH] ID\n"
                   "       skiff-shim [--root DIR] start|state|kill|delete [--force] ID [SIGNAL]\n"
                   "       skiff-shim holder --pid-file PATH --uid-map LIST --gid-map LIST\n"
                   "       skiff-shim userns-run [--userns-holder PIDFILE]   (request on stdin)\n"
                   "       skiff-shim archive stat|get|put --path ABS (--pid PID | --bundle DIR) ...\n");
  exit (2);
}

static void
parse_options (int argc, char **argv, struct shim_options_s *o)
{
  static const struct option long_opts[] = { { "bundle", required_argument, 0, 'b' },
                                             { "id", required_argument, 0, 'i' },
                                             { "exit-file", required_argument, 0, 'e' },
                                             { "log-file", required_argument, 0, 'l' },
                                             { "pid-file", required_argument, 0, 'p' },
                                             { "cache-dir", required_argument, 0, 'c' },
                                             { "pid", required_argument, 0, 'P' },
                                             { "process", required_argument, 0, 'x' },
                                             { "attach-socket", required_argument, 0, 'a' },
                                             { "console-size", required_argument, 0, 's' },
                                             { "stdin", no_argument, 0, 'I' },
                                             { "hold-output", no_argument, 0, 'H' },
                                             { "userns-holder", required_argument, 0, 'U' },
                                             { 0, 0, 0, 0 } };
  const char *cmd = argv[1];
  int ch;

  if (strcmp (cmd, "run") != 0 && strcmp (cmd, "exec") != 0 && strcmp (cmd, "create") != 0)
    usage_and_exit ();
  o->mode = strcmp (cmd, "exec") == 0 ? MODE_EXEC : strcmp (cmd, "create") == 0 ? MODE_OCI_CREATE : MODE_RUN;
  optind = 2;
  while ((ch = getopt_long (argc, argv, "", long_opts, NULL)) != -1)
    switch (ch)
      {
      case 'b':
        o->bundle = optarg;
        break;
      case 'i':
        o->id = optarg;
        break;
      case 'e':
        o->exit_file = optarg;
        break;
      case 'l':
        o->log_file = optarg;
        break;
      case 'p':
        o->pid_file = optarg;
        break;
      case 'c':
        o->cache_dir = optarg;
        break;
      case 'P':
        o->target = (pid_t)atoi (optarg);
        break;
      case 'x':
        o->process = optarg;
        break;
      case 'a':
        o->attach_socket = optarg;
        break;
      case 's':
        o->console_size = optarg;
        break;
      case 'I':
        o->stdin_pipe = 1;
        break;
      case 'H':
        o->hold_output = 1;
        break;
      case 'U':
        o->userns_holder = optarg;
        break;
      default:
        usage_and_exit ();
      }
  if (o->mode == MODE_RUN && o->id == NULL && optind == argc - 1)
    o->mode = MODE_OCI_RUN; /* `run [--bundle DIR] ID`: the OCI command */
  if (o->mode == MODE_OCI_CREATE || o->mode == MODE_OCI_RUN)
    {
      if (optind != argc - 1 || o->exit_file || o->log_file || o->process || o->target || o->attach_socket
          || o->stdin_pipe || o->console_size || o->userns_holder)
        usage_and_exit ();
      o->id = argv[optind];
      o->bundle = o->bundle ? o->bundle : ".";
      return;
    }
  if (!o->bundle || !o->id || !o->exit_file || !o->log_file || optind != argc
      || ((o->mode == MODE_EXEC) != (o->target > 0 && o->process != NULL))
      || (o->mode == MODE_RUN && o->process) || (o->hold_output && !o->attach_socket)
      || (o->userns_holder && o->mode != MODE_RUN))
    usage_and_exit ();
}

/* _SKIFF_SYNC_FD must be a number naming an open fd above 2; otherwise it is a usage error. */
static int
parse_fd (const char *s)
{
  char *end = NULL;
  long fd = strtol (s, &end, 10);

  if (end == s || *end != '\0' || fd < 3 || fd > 1048576 || fcntl ((int)fd, F_GETFD) < 0)
    {
      fprintf (stderr, "skiff-shim: _SKIFF_SYNC_FD=`%s` is not an open file descriptor above 2\n", s);
      exit (2);
    }
  return (int)fd;
}

/* Fails: sends the error on the sync fd (or prints it) and exits 1. */
static void __attribute__ ((noreturn)) fail (int sync_fd, shim_error_t *err)
{
  if (sync_fd >= 0)
    shim_error_send (sync_fd, *err);
  else
    fprintf (stderr, "skiff-shim: %s\n", (*err)->msg);
  exit (1);
}

/* Double fork + setsid; returns in the monitor only.  The started process exits with the
   intermediate's status, or (OCI modes) hands over to shim_oci_foreground on await_fd. */
static int
detach (const struct shim_options_s *o, int await_fd, int sync_fd, int *answered_fd, shim_error_t *err)
{
  int devnull, status, answered[2];
  pid_t pid;

  /* the started process exits only once the monitor has answered on the sync fd (it closes
     answered[1] then): a daemon that stops reading the sync pipe when the started process exits
     (Java's Process drains only what is already there) must find the answer in it */
  if (pipe2 (answered, O_CLOEXEC) < 0)
    return shim_make_error (err, errno, "pipe");
  pid = fork ();
  if (pid < 0)
    return shim_make_error (err, errno, "fork");
  if (pid > 0)
    {
      char b;

      close (answered[1]);
      while (waitpid (pid, &status, 0) < 0 && errno == EINTR)
        ;
      if (await_fd < 0 && WIFEXITED (status) && WEXITSTATUS (status) == 0)
        while (read (answered[0], &b, 1) < 0 && errno == EINTR)
          ;
      if (await_fd >= 0)
        {
          close (sync_fd);
          shim_oci_foreground (await_fd, o->root, o->id, o->mode == MODE_OCI_RUN);
        }
      _exit (WIFEXITED (status) ? WEXITSTATUS (status) : 1);
    }
  if (await_fd >= 0)
    close (await_fd);
  close (answered[0]);
  *answered_fd = answered[1];
  if (setsid () < 0)
    return shim_make_error (err, errno, "setsid");
  pid = fork ();
  if (pid < 0)
    return shim_make_error (err, errno, "fork");
  if (pid > 0)
    _exit (0);
  devnull = open ("/dev/null", O_RDWR | O_CLOEXEC);
  if (devnull < 0 || dup2 (devnull, 0) < 0 || dup2 (devnull, 1) < 0 || dup2 (devnull, 2) < 0)
    return shim_make_error (err, errno, "redirecting stdio to /dev/null");
  close (devnull);
  return 0;
}

/* OCI create/run: state directory and exec.fifo; the caller's stdio goes to the container; the
   monitor reports to the started process over a pipe (*await_fd) instead of a daemon. */
static void
prepare_oci (struct shim_options_s *o, shim_container_t *c, int *sync_fd, int *await_fd)
{
  shim_error_t err = NULL;
  char *exit_file = NULL, *fifo = NULL;
  int p[2], i;

  if (shim_oci_prepare (o->root, o->id, &exit_file, &fifo, &err) < 0)
    fail (-1, &err);
  o->exit_file = exit_file;
  c->start_fifo_fd = open (fifo, O_PATH | O_CLOEXEC);
  free (fifo);
  c->passthrough_stdio = 1;
  c->init_in_fd = fcntl (0, F_DUPFD_CLOEXEC, 3);
  for (i = 1; i <= 2; i++)
    c->init_out_fd[i] = fcntl (i, F_DUPFD_CLOEXEC, 3);
  if (c->start_fifo_fd < 0 || c->init_in_fd < 0 || c->init_out_fd[1] < 0 || c->init_out_fd[2] < 0
      || pipe2 (p, O_CLOEXEC) < 0)
    {
      shim_make_error (&err, errno, "preparing container `%s`", o->id);
      fail (-1, &err);
    }
  *await_fd = p[0];
  *sync_fd = p[1];
}

int
main (int argc, char **argv)
{
  struct shim_options_s o = { 0 };
  shim_error_t err = NULL;
  shim_container_t c;
  shim_attach_t attach;
  struct shim_supervise_opts_s sup;
  char *oom_file = NULL;
  const char *env_fd = getenv ("_SKIFF_SYNC_FD");
  int sync_fd = -1, await_fd = -1, answered_fd = -1, oci;
  cleanup_free char *default_root = NULL;
  cleanup_close int log_fd = -1;
  sigset_t old_mask;
  char pidbuf[32], **orig_argv = argv;

  if (argc >= 3 && strcmp (argv[1], "--root") == 0)
    {
      o.root = argv[2];
      argv += 2; /* argv[0] is now the root: only getopt's messages use it */
      argc -= 2;
    }
  if (argc >= 2 && strcmp (argv[1], "userns-run") == 0
      && (argc == 2 || (argc == 4 && strcmp (argv[2], "--userns-holder") == 0)))
    return shim_userns_run_main (argc == 4 ? argv[3] : NULL);
  if (argc >= 2 && strcmp (argv[1], "archive") == 0) /* podman cp / docker cp (archive.h) */
    return shim_archive_main (argc, argv);
  if (argc >= 2 && strcmp (argv[1], "holder") == 0)
    return shim_holder_main (argc, argv);
  if (argc >= 2 && strcmp (argv[1], "supervise") == 0) /* the monitor, after its handover */
    return shim_handover_main (argc, argv);
  if (o.root == NULL)
    o.root = default_root = shim_oci_default_root ();
  if (argc < 2)
    usage_and_exit ();
  if (strcmp (argv[1], "start") == 0 || strcmp (argv[1], "state") == 0 || strcmp (argv[1], "kill") == 0
      || strcmp (argv[1], "delete") == 0)
    return shim_oci_command (o.root, argc - 1, argv + 1);
  parse_options (argc, argv, &o);
  oci = o.mode == MODE_OCI_CREATE || o.mode == MODE_OCI_RUN;
  if (!oci)
    sync_fd = env_fd ? parse_fd (env_fd) : 2;
  if (shim_ensure_cloned_binary (orig_argv, &err) < 0) /* keeps the sync fd: not CLOEXEC yet */
    fail (sync_fd, &err);
  if (!oci)
    {
      sync_fd = env_fd ? sync_fd : fcntl (1, F_DUPFD_CLOEXEC, 3);
      if (sync_fd < 0 || fcntl (sync_fd, F_SETFD, FD_CLOEXEC) < 0)
        sync_fd = -1;
    }
  signal (SIGPIPE, SIG_IGN);
  if ((!oci && shim_check_parent_writable (o.exit_file, &err) < 0)
      || shim_container_load (&c, o.bundle, o.id, o.process, o.cache_dir, sync_fd, &err) < 0
      || (!oci && shim_oci_refuse_hooks (c.spec, &err) < 0)
      || shim_holder_use_file (o.userns_holder, (c.clone_flags & CLONE_NEWUSER) != 0, &err) < 0)
    fail (sync_fd, &err);
  c.want_stdin = o.stdin_pipe;
  if (o.console_size && shim_console_parse_size (o.console_size, &c.console_size) < 0)
    {
      shim_make_error (&err, EINVAL, "--console-size `%s`: expected ROWSxCOLS", o.console_size);
      fail (sync_fd, &err);
    }
  if (oci)
    prepare_oci (&o, &c, &sync_fd, &await_fd);
  else if ((log_fd = open (o.log_file, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600)) < 0)
    {
      shim_make_error (&err, errno, "open log file `%s`", o.log_file);
      fail (sync_fd, &err);
    }
  shim_attach_init (&attach); /* before detaching: its errors are the started process's */
  if (o.attach_socket && shim_attach_listen (&attach, o.attach_socket, &err) < 0)
    fail (sync_fd, &err);
  if (detach (&o, await_fd, sync_fd, &answered_fd, &err) < 0 || shim_block_signals (&old_mask, &err) < 0)
    fail (sync_fd, &err);
  if ((o.mode == MODE_EXEC ? shim_exec_start (&c, o.target, &old_mask, sync_fd, &err)
                           : shim_container_start (&c, &old_mask, sync_fd, &err))
      < 0)
    {
      shim_attach_close (&attach, 0);
      fail (sync_fd, &err);
    }
  snprintf (pidbuf, sizeof (pidbuf), "%d", (int)c.pid);
  if ((o.pid_file && shim_write_file_atomic (o.pid_file, pidbuf, strlen (pidbuf), &err) < 0)
      || (oci && shim_oci_write_state (o.root, o.id, o.bundle, c.pid, c.spec, &err) < 0))
    {
      kill (c.pid, SIGKILL);
      fail (sync_fd, &err);
    }
  shim_sync_send_pid (sync_fd, c.pid, &err);
  shim_error_release (&err);
  close (sync_fd);
  close (answered_fd);
  oom_file = o.mode == MODE_EXEC ? NULL : shim_cgroup_oom_file (c.spec); /* before the spec goes */
  shim_container_free (&c);
  malloc_trim (0); /* the parsed spec and the seccomp filter are freed: give their pages back */
  sup = (struct shim_supervise_opts_s){ .log_fd = log_fd, .exit_file = o.exit_file, .attach = &attach,
                                       .hold_output = o.hold_output, .oom_file = oom_file };
  shim_handover (orig_argv[0], o.id, &c, &sup); /* returns only when it stays on the sealed copy */
  if (shim_supervise (&c, &sup, &err) < 0)
    return 1;
  return 0;
}
