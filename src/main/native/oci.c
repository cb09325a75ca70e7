/* oci.c -- the OCI runtime command-line subset (see oci.h). */
#define _GNU_SOURCE
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <json-c/json.h>

#include "cgroup.h"
#include "oci.h"
#include "spec.h"
#include "utils.h"

#define PRIVATE_CGROUPS_PATH "skiffCgroupsPath"
#define PRIVATE_HOOKS        "skiffHooks"

/* The hooks the OCI command line runs itself, in the runtime's namespaces. */
static const char *const cli_hooks[] = { "prestart", "poststart", "poststop" };

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
  json_object *annotations = shim_spec_get (spec, "annotations"), *hooks = shim_spec_get (spec, "hooks");
  cleanup_free char *path = state_path (root, id, "state.json");
  cleanup_free char *abs = realpath (bundle, NULL);
  json_object *o = json_object_new_object ();
  const char *s;
  int ret;

  json_object_object_add (o, "ociVersion", json_object_new_string ("1.0.2"));
  json_object_object_add (o, "id", json_object_new_string (id));
  json_object_object_add (o, "pid", json_object_new_int (pid));
  json_object_object_add (o, "bundle", json_object_new_string (abs ? abs : bundle));
  if (annotations && json_object_is_type (annotations, json_type_object))
    json_object_object_add (o, "annotations", json_object_get (annotations));
  /* for start and delete; not part of the printed state */
  if (cgroups_path && cgroups_path[0])
    json_object_object_add (o, PRIVATE_CGROUPS_PATH, json_object_new_string (cgroups_path));
  if (hooks && json_object_is_type (hooks, json_type_object))
    json_object_object_add (o, PRIVATE_HOOKS, json_object_get (hooks));
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

int
shim_oci_refuse_hooks (json_object *spec, shim_error_t *err)
{
  size_t i;

  for (i = 0; i < sizeof (cli_hooks) / sizeof (cli_hooks[0]); i++)
    {
      cleanup_free char *key = NULL;
      json_object *o;
      xasprintf (&key, "hooks.%s", cli_hooks[i]);
      o = shim_spec_get (spec, key);
      if (o && json_object_is_type (o, json_type_array) && json_object_array_length (o) > 0)
        return shim_make_error (err, ENOTSUP, "%s is only run by the OCI command line (create/start/delete)",
                                key);
    }
  return 0;
}

/* NULL-terminated copy of a JSON string array (the strings stay owned by the array). */
static char **
string_vector (json_object *a, const char *first)
{
  size_t i, n = a && json_object_is_type (a, json_type_array) ? json_object_array_length (a) : 0;
  char **v = xmalloc ((n + 2) * sizeof (char *));

  for (i = 0; i < n; i++)
    v[i] = (char *)json_object_get_string (json_object_array_get_idx (a, i));
  if (n == 0 && first)
    v[n++] = (char *)first;
  v[n] = NULL;
  return v;
}

/* Runs one hook: path, args, env, timeout (seconds); the container's state JSON on its stdin. */
static int
run_hook (json_object *hook, const char *state, shim_error_t *err)
{
  json_object *v;
  const char *path = json_object_object_get_ex (hook, "path", &v) ? json_object_get_string (v) : NULL;
  int timeout = json_object_object_get_ex (hook, "timeout", &v) ? json_object_get_int (v) : 0;
  cleanup_free char **argv = NULL;
  cleanup_free char **envp = NULL;
  int p[2], status, waited_ms = 0;
  pid_t pid;

  if (path == NULL || path[0] != '/')
    return shim_make_error (err, EINVAL, "hook path `%s` is not absolute", path ? path : "");
  argv = string_vector (json_object_object_get_ex (hook, "args", &v) ? v : NULL, path);
  envp = string_vector (json_object_object_get_ex (hook, "env", &v) ? v : NULL, NULL);
  if (pipe2 (p, O_CLOEXEC) < 0)
    return shim_make_error (err, errno, "pipe");
  signal (SIGPIPE, SIG_IGN); /* a hook need not read its stdin */
  pid = fork ();
  if (pid < 0)
    return shim_make_error (err, errno, "fork");
  if (pid == 0)
    {
      signal (SIGPIPE, SIG_DFL); /* the caller ignores it, and an ignored signal survives execve */
      if (dup2 (p[0], 0) < 0)
        _exit (127);
      execve (path, argv, envp);
      _exit (127);
    }
  close (p[0]);
  shim_write_all (p[1], state, strlen (state)); /* a hook may not read it: EPIPE is ignored */
  close (p[1]);
  while (waitpid (pid, &status, timeout > 0 ? WNOHANG : 0) == 0)
    {
      if (waited_ms >= timeout * 1000)
        {
          kill (pid, SIGKILL);
          waitpid (pid, &status, 0);
          return shim_make_error (err, ETIMEDOUT, "hook `%s` timed out after %d s", path, timeout);
        }
      usleep (10000);
      waited_ms += 10;
    }
  if (!WIFEXITED (status) || WEXITSTATUS (status) != 0)
    return shim_make_error (err, ECHILD, "hook `%s` failed (%s %d)", path,
                            WIFEXITED (status) ? "exit status" : "signal",
                            WIFEXITED (status) ? WEXITSTATUS (status) : WTERMSIG (status));
  return 0;
}

static int
has_hooks (json_object *state, const char *kind)
{
  json_object *hooks, *list;

  return json_object_object_get_ex (state, PRIVATE_HOOKS, &hooks)
         && json_object_object_get_ex (hooks, kind, &list) && json_object_is_type (list, json_type_array)
         && json_object_array_length (list) > 0;
}

/* Runs hooks.KIND from the saved state, with that state (status set, private keys dropped) on
   stdin.  must_succeed: the first failure is returned; otherwise each failure is a warning on
   stderr and the rest still run (poststart, poststop). */
static int
run_hooks (json_object *state, const char *kind, const char *status, int must_succeed, shim_error_t *err)
{
  json_object *hooks, *list, *copy;
  const char *text;
  size_t i, n;
  int ret = 0;

  if (!has_hooks (state, kind))
    return 0;
  json_object_object_get_ex (state, PRIVATE_HOOKS, &hooks);
  json_object_object_get_ex (hooks, kind, &list);
  n = json_object_array_length (list);
  copy = json_tokener_parse (json_object_to_json_string (state));
  json_object_object_del (copy, PRIVATE_HOOKS);
  json_object_object_del (copy, PRIVATE_CGROUPS_PATH);
  json_object_object_add (copy, "status", json_object_new_string (status));
  text = json_object_to_json_string_ext (copy, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE);
  for (i = 0; i < n && ret == 0; i++)
    if (run_hook (json_object_array_get_idx (list, i), text, err) < 0)
      {
        shim_error_wrap (err, "hooks.%s[%zu]", kind, i);
        if (must_succeed)
          ret = -1;
        else
          {
            fprintf (stderr, "skiff-shim: warning: %s\n", (*err)->msg);
            shim_error_release (err);
          }
      }
  json_object_put (copy);
  return ret;
}

/* After start let the init go: waits (at most 1 s) until it has replaced its image with the
   user's program, i.e. until /proc/PID/exe differs from its parent's (the monitor it was cloned
   from), so that poststart hooks run, and a signal sent after `start` returns arrives, after the
   program is executed.  Unreadable: no wait. */
static void
wait_execve (pid_t pid)
{
  char path[64], parent_exe[4096], exe[4096], stat[512];
  cleanup_close int fd = -1;
  ssize_t n;
  char *p;
  int ppid, i;

  snprintf (path, sizeof (path), "/proc/%d/stat", (int)pid);
  fd = open (path, O_RDONLY | O_CLOEXEC);
  if (fd < 0 || (n = shim_read_all (fd, stat, sizeof (stat) - 1)) <= 0)
    return;
  stat[n] = '\0';
  p = strrchr (stat, ')');
  if (p == NULL || sscanf (p + 1, " %*c %d", &ppid) != 1)
    return;
  snprintf (path, sizeof (path), "/proc/%d/exe", ppid);
  if ((n = readlink (path, parent_exe, sizeof (parent_exe) - 1)) < 0)
    return;
  parent_exe[n] = '\0';
  snprintf (path, sizeof (path), "/proc/%d/exe", (int)pid);
  for (i = 0; i < 1000; i++)
    {
      if ((n = readlink (path, exe, sizeof (exe) - 1)) < 0)
        return;
      exe[n] = '\0';
      if (strcmp (exe, parent_exe) != 0)
        return;
      usleep (1000);
    }
}

static int wait_exit (const char *root, const char *id, int timeout_ms, json_object **ex);
static void remove_state (const char *root, const char *id, int run_poststop);

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
  if (strcmp (status, "created") != 0)
    {
      shim_make_error (err, EINVAL, "container `%s` is %s, not created", id, status);
      json_object_put (state);
      return -1;
    }
  /* prestart: after `start` is called, before the user's program runs; a failure stops the
     container and goes on with the lifecycle at delete (state removed, poststop run) */
  if (run_hooks (state, "prestart", "created", 1, err) < 0)
    {
      json_object *ex = NULL;
      json_object_put (state);
      kill (pid, SIGKILL);
      if (wait_exit (root, id, 10000, &ex) == 0)
        remove_state (root, id, 1);
      json_object_put (ex);
      return -1;
    }
  fd = open (fifo, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
  if (fd < 0)
    {
      json_object_put (state);
      return shim_make_error (err, errno, "open `%s`", fifo);
    }
  for (i = 0; i < 100; i++) /* 10 s */
    {
      struct pollfd p = { .fd = fd, .events = POLLIN };
      if (poll (&p, 1, 100) > 0 && read (fd, &b, 1) == 1)
        {
          unlink (fifo);
          wait_execve (pid); /* start returns once the program runs (and poststart sees it) */
          run_hooks (state, "poststart", "running", 0, err); /* failures: warnings */
          json_object_put (state);
          return 0;
        }
      if (kill (pid, 0) < 0 && errno == ESRCH)
        {
          json_object_put (state);
          return shim_make_error (err, ESRCH, "container `%s`: its init exited before starting", id);
        }
    }
  json_object_put (state);
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
      usleep (1000);
      waited += 1;
    }
}

static void
remove_state (const char *root, const char *id, int run_poststop)
{
  static const char *const files[] = { "state.json", "exit.json", "exec.fifo" };
  cleanup_free char *dir = state_path (root, id, NULL);
  cleanup_free char *state_file = state_path (root, id, "state.json");
  json_object *state = json_object_from_file (state_file), *v;
  size_t i;

  shim_error_t err = NULL;

  if (state && json_object_object_get_ex (state, PRIVATE_CGROUPS_PATH, &v))
    shim_cgroup_remove (json_object_get_string (v));
  for (i = 0; i < sizeof (files) / sizeof (files[0]); i++)
    {
      cleanup_free char *p = state_path (root, id, files[i]);
      unlink (p);
    }
  rmdir (dir);
  /* poststop: after the container is deleted, before delete returns; failures are warnings */
  if (state && run_poststop)
    run_hooks (state, "poststop", "stopped", 0, &err);
  json_object_put (state);
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
  json_object_object_del (state, PRIVATE_HOOKS);
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
  /* stopped because its pid is gone: the monitor that reaped it may still be writing exit.json,
     which would then land in (and keep) the removed state directory */
  else if (wait_exit (root, id, 2000, &ex) == 0)
    json_object_put (ex);
  remove_state (root, id, 1);
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
      remove_state (root, id, 0);
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
  remove_state (root, id, 1);
  _exit (code);
}
