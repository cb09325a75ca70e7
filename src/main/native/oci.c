/* oci.c -- the OCI runtime command-line subset (see oci.h). */
#define _GNU_SOURCE
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <json-c/json.h>

#include "cgroup.h"
#include "oci.h"
#include "spec.h"
#include "utils.h"

#define PRIVATE_CGROUPS_PATH "skiffCgroupsPath"

char *
shim_oci_default_root (void)
{
  const char *xdg = getenv ("XDG_RUNTIME_DIR");
  char *root;

  if (geteuid () != 0 && xdg && xdg[0])
    xasprintf (&root, "%s/skiff-shim", xdg);
  else
    root = xstrdup ("/run/skiff-shim");
  return root;
}

static char *
state_path (const char *root, const char *id, const char *file)
{
  char *p;
  xasprintf (&p, "%s/%s%s%s", root, id, file ? "/" : "", file ? file : "");
  return p;
}

static int
valid_id (const char *id)
{
  const char *p;

  if (id == NULL || id[0] == '\0' || id[0] == '.' || strlen (id) > 200)
    return 0;
  for (p = id; *p; p++)
    if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') || *p == '-'
          || *p == '_' || *p == '.'))
      return 0;
  return 1;
}

int
shim_oci_prepare (const char *root, const char *id, char **exit_file, char **fifo, shim_error_t *err)
{
  cleanup_free char *dir = state_path (root, id, NULL);

  if (!valid_id (id))
    return shim_make_error (err, EINVAL, "invalid container id `%s`", id ? id : "");
  if (mkdir (root, 0700) < 0 && errno != EEXIST)
    return shim_make_error (err, errno, "mkdir `%s`", root);
  if (mkdir (dir, 0700) < 0)
    return shim_make_error (err, errno, errno == EEXIST ? "container `%s` already exists" : "mkdir `%s`",
                            errno == EEXIST ? id : dir);
  *exit_file = state_path (root, id, "exit.json");
  *fifo = state_path (root, id, "exec.fifo");
  /* 0622: the init may already be a non-root user when it opens the fifo for writing */
  if (mkfifo (*fifo, 0622) < 0 || chmod (*fifo, 0622) < 0)
    return shim_make_error (err, errno, "mkfifo `%s`", *fifo);
  return 0;
}

int
shim_oci_write_state (const char *root, const char *id, const char *bundle, pid_t pid, json_object *spec,
                      shim_error_t *err)
{
  const char *cgroups_path = shim_spec_get_string (spec, "linux.cgroupsPath");
  cleanup_free char *path = state_path (root, id, "state.json");
  cleanup_free char *abs = realpath (bundle, NULL);
  json_object *o = json_object_new_object ();
  const char *s;
  int ret;

  json_object_object_add (o, "ociVersion", json_object_new_string ("1.0.2"));
  json_object_object_add (o, "id", json_object_new_string (id));
  json_object_object_add (o, "pid", json_object_new_int (pid));
  json_object_object_add (o, "bundle", json_object_new_string (abs ? abs : bundle));
  if (cgroups_path && cgroups_path[0]) /* for delete; not part of the printed state */
    json_object_object_add (o, PRIVATE_CGROUPS_PATH, json_object_new_string (cgroups_path));
  s = json_object_to_json_string_ext (o, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE);
  ret = shim_write_file_atomic (path, s, strlen (s), err);
  json_object_put (o);
  return ret;
}

/* Reads ROOT/ID/state.json; returns the pid and the status string. */
static int
load_state (const char *root, const char *id, json_object **state, pid_t *pid, const char **status,
            shim_error_t *err)
{
  cleanup_free char *path = state_path (root, id, "state.json");
  cleanup_free char *exit_file = state_path (root, id, "exit.json");
  cleanup_free char *fifo = state_path (root, id, "exec.fifo");
  json_object *v;

  *state = json_object_from_file (path);
  if (*state == NULL)
    return shim_make_error (err, ENOENT, "container `%s` does not exist", id);
  *pid = json_object_object_get_ex (*state, "pid", &v) ? json_object_get_int (v) : -1;
  if (access (exit_file, F_OK) == 0 || *pid <= 0 || (kill (*pid, 0) < 0 && errno == ESRCH))
    *status = "stopped";
  else if (access (fifo, F_OK) == 0)
    *status = "created";
  else
    *status = "running";
  return 0;
}

static int
parse_signal (const char *s)
{
  static const struct
  {
    const char *name;
    int sig;
  } table[] = { { "TERM", SIGTERM }, { "KILL", SIGKILL },  { "INT", SIGINT },   { "HUP", SIGHUP },
                { "QUIT", SIGQUIT }, { "USR1", SIGUSR1 },  { "USR2", SIGUSR2 }, { "STOP", SIGSTOP },
                { "CONT", SIGCONT }, { "WINCH", SIGWINCH } };
  char *end;
  long n;
  size_t i;

  if (s == NULL)
    return SIGTERM;
  n = strtol (s, &end, 10);
  if (end != s && *end == '\0')
    return n > 0 && n < 65 ? (int)n : -1;
  if (strncmp (s, "SIG", 3) == 0)
    s += 3;
  for (i = 0; i < sizeof (table) / sizeof (table[0]); i++)
    if (strcmp (table[i].name, s) == 0)
      return table[i].sig;
  return -1;
}

/* Lets a created container run: reads exec.fifo (its init is blocked opening it). */
static int
start (const char *root, const char *id, shim_error_t *err)
{
  cleanup_free char *fifo = state_path (root, id, "exec.fifo");
  json_object *state = NULL;
  const char *status;
  cleanup_close int fd = -1;
  pid_t pid;
  char b;
  int i;

  if (load_state (root, id, &state, &pid, &status, err) < 0)
    return -1;
  json_object_put (state);
  if (strcmp (status, "created") != 0)
    return shim_make_error (err, EINVAL, "container `%s` is %s, not created", id, status);
  fd = open (fifo, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
  if (fd < 0)
    return shim_make_error (err, errno, "open `%s`", fifo);
  for (i = 0; i < 100; i++) /* 10 s */
    {
      struct pollfd p = { .fd = fd, .events = POLLIN };
      if (poll (&p, 1, 100) > 0 && read (fd, &b, 1) == 1)
        {
          unlink (fifo);
          return 0;
        }
      if (kill (pid, 0) < 0 && errno == ESRCH)
        return shim_make_error (err, ESRCH, "container `%s`: its init exited before starting", id);
    }
  return shim_make_error (err, ETIMEDOUT, "container `%s` did not start", id);
}

static int
wait_exit (const char *root, const char *id, int timeout_ms, json_object **ex)
{
  cleanup_free char *exit_file = state_path (root, id, "exit.json");
  int waited = 0;

  for (;;)
    {
      *ex = json_object_from_file (exit_file);
      if (*ex)
        return 0;
      if (timeout_ms >= 0 && waited >= timeout_ms)
        return -1;
      usleep (5000);
      waited += 5;
    }
}

static void
remove_state (const char *root, const char *id)
{
  static const char *const files[] = { "state.json", "exit.json", "exec.fifo" };
  cleanup_free char *dir = state_path (root, id, NULL);
  cleanup_free char *state_file = state_path (root, id, "state.json");
  json_object *state = json_object_from_file (state_file), *v;
  size_t i;

  if (state && json_object_object_get_ex (state, PRIVATE_CGROUPS_PATH, &v))
    shim_cgroup_remove (json_object_get_string (v));
  json_object_put (state);
  for (i = 0; i < sizeof (files) / sizeof (files[0]); i++)
    {
      cleanup_free char *p = state_path (root, id, files[i]);
      unlink (p);
    }
  rmdir (dir);
}

static int
cmd_state (const char *root, const char *id, shim_error_t *err)
{
  json_object *state;
  const char *status;
  pid_t pid;

  if (load_state (root, id, &state, &pid, &status, err) < 0)
    return -1;
  json_object_object_del (state, PRIVATE_CGROUPS_PATH);
  json_object_object_add (state, "status", json_object_new_string (status));
  if (strcmp (status, "stopped") == 0)
    json_object_object_add (state, "pid", json_object_new_int (0));
  printf ("%s\n",
          json_object_to_json_string_ext (state, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_NOSLASHESCAPE));
  json_object_put (state);
  return 0;
}

static int
cmd_kill (const char *root, const char *id, const char *signame, shim_error_t *err)
{
  json_object *state;
  const char *status;
  pid_t pid;
  int sig = parse_signal (signame);

  if (sig < 0)
    return shim_make_error (err, EINVAL, "unknown signal `%s`", signame);
  if (load_state (root, id, &state, &pid, &status, err) < 0)
    return -1;
  json_object_put (state);
  if (strcmp (status, "stopped") == 0)
    return shim_make_error (err, ESRCH, "container `%s` is not running", id);
  if (kill (pid, sig) < 0)
    return shim_make_error (err, errno, "kill %d", (int)pid);
  return 0;
}

static int
cmd_delete (const char *root, const char *id, int force, shim_error_t *err)
{
  json_object *state, *ex = NULL;
  const char *status;
  pid_t pid;

  if (load_state (root, id, &state, &pid, &status, err) < 0)
    return -1;
  json_object_put (state);
  if (strcmp (status, "stopped") != 0)
    {
      if (!force)
        return shim_make_error (err, EBUSY, "container `%s` is %s (use --force)", id, status);
      kill (pid, SIGKILL);
      if (wait_exit (root, id, 10000, &ex) < 0)
        return shim_make_error (err, ETIMEDOUT, "container `%s` did not stop", id);
      json_object_put (ex);
    }
  remove_state (root, id);
  return 0;
}

int
shim_oci_command (const char *root, int argc, char **argv)
{
  shim_error_t err = NULL;
  const char *cmd = argv[0];
  int force = argc > 1 && strcmp (argv[1], "--force") == 0;
  const char *id = argv[1 + force];
  int ret;

  if (argc < 2 + force || !valid_id (id))
    {
      fprintf (stderr, "skiff-shim %s: missing or invalid container id\n", cmd);
      return 2;
    }
  if (strcmp (cmd, "start") == 0)
    ret = start (root, id, &err);
  else if (strcmp (cmd, "state") == 0)
    ret = cmd_state (root, id, &err);
  else if (strcmp (cmd, "kill") == 0)
    ret = cmd_kill (root, id, argc > 2 ? argv[2] : NULL, &err);
  else
    ret = cmd_delete (root, id, force, &err);
  if (ret < 0)
    {
      fprintf (stderr, "skiff-shim %s: %s\n", cmd, err->msg);
      shim_error_release (&err);
      return 1;
    }
  return 0;
}

void
shim_oci_foreground (int fd, const char *root, const char *id, int is_run)
{
  char buf[8192];
  size_t n = 0;
  shim_error_t err = NULL;
  json_object *line, *v, *ex = NULL;
  int code;

  /* one line: the blocked init still holds the (CLOEXEC) write end, so no EOF comes */
  while (n < sizeof (buf) - 1 && (n == 0 || buf[n - 1] != '\n'))
    {
      ssize_t r = read (fd, buf + n, sizeof (buf) - 1 - n);
      if (r < 0 && errno == EINTR)
        continue;
      if (r <= 0)
        break;
      n += r;
    }
  buf[n] = '\0';
  line = json_tokener_parse (buf);
  if (line == NULL || !json_object_object_get_ex (line, "pid", &v))
    {
      const char *msg
          = line && json_object_object_get_ex (line, "message", &v) ? json_object_get_string (v) : buf;
      fprintf (stderr, "skiff-shim: %s\n", msg);
      remove_state (root, id);
      _exit (1);
    }
  if (!is_run)
    _exit (0);
  if (start (root, id, &err) < 0)
    {
      fprintf (stderr, "skiff-shim run: %s\n", err->msg);
      _exit (1);
    }
  wait_exit (root, id, -1, &ex);
  code = json_object_object_get_ex (ex, "exitCode", &v) ? json_object_get_int (v) : 1;
  remove_state (root, id);
  _exit (code);
}
