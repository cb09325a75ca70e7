/* container.c -- loading the bundle, starting the init, and the init's ordered setup
 * (see container.h). */
#define _GNU_SOURCE
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "caps.h"
#include "cgroup.h"
#include "network.h"
#include "container.h"
#include "mac.h"
#include "mounts.h"
#include "namespaces.h"
#include "process.h"
#include "seccomp.h"
#include "spec.h"
#include "sync.h"
#include "userns.h"
#include "utils.h"

/* Features of the spec this shim does not implement: refused, never silently ignored. */
static int
reject_unsupported (json_object *spec, shim_error_t *err)
{
  static const char *const not_empty[]
      = { "hooks.createRuntime", "hooks.createContainer", "hooks.startContainer" };
  size_t i;

  for (i = 0; i < sizeof (not_empty) / sizeof (not_empty[0]); i++)
    {
      json_object *o = shim_spec_get (spec, not_empty[i]);
      if (o && json_object_is_type (o, json_type_array) && json_object_array_length (o) > 0)
        return shim_make_error (err, ENOTSUP, "%s is not supported yet", not_empty[i]);
    }
  return 0;
}

int
shim_container_load (shim_container_t *c, const char *bundle, const char *id, const char *process_file,
                     const char *cache_dir, int warn_fd, shim_error_t *err)
{
  const char *root;
  cleanup_free char *root_abs = NULL;
  json_object *nnp;
  int i;

  memset (c, 0, sizeof (*c));
  for (i = 0; i < 3; i++)
    c->out_fd[i] = c->init_out_fd[i] = -1;
  c->init_sync_fd = c->init_err_fd = c->init_in_fd = c->start_fifo_fd = -1;
  c->console_fd = c->in_fd = -1;
  c->id = id;
  c->bundle = bundle;
  c->cache_dir = cache_dir;
  if (shim_spec_load (bundle, &c->spec, err) < 0)
    return -1;
  if (process_file)
    {
      json_object *process = json_object_from_file (process_file);
      if (process == NULL || !json_object_is_type (process, json_type_object))
        {
          if (process)
            json_object_put (process);
          return shim_make_error (err, access (process_file, R_OK) < 0 ? errno : EINVAL,
                                  "reading process `%s`", process_file);
        }
      json_object_object_add (c->spec, "process", process);
    }
  root = shim_spec_get_string (c->spec, "root.path");
  if (root == NULL)
    return shim_make_error (err, EINVAL, "config.json: root.path is missing");
  if (root[0] == '/')
    root_abs = xstrdup (root);
  else
    xasprintf (&root_abs, "%s/%s", bundle, root);
  c->rootfs = realpath (root_abs, NULL);
  if (c->rootfs == NULL)
    return shim_make_error (err, errno, "rootfs `%s`", root_abs);
  if (shim_namespaces_parse (shim_spec_get (c->spec, "linux.namespaces"), &c->clone_flags, c->joins,
                             &c->n_joins, 8, err)
      < 0)
    return -1;
  for (i = 0; i < c->n_joins; i++)
    if (c->joins[i].flag == CLONE_NEWNS)
      return shim_make_error (err, EINVAL, "joining an existing mount namespace (`%s`) is not supported",
                              c->joins[i].path);
  if (!(c->clone_flags & CLONE_NEWNS))
    return shim_make_error (err, EINVAL, "a new mount namespace is required");
  if (shim_id_maps_validate (c->spec, c->clone_flags & CLONE_NEWUSER, err) < 0)
    return -1;
  if (shim_spec_get (c->spec, "process.args") == NULL
      || json_object_array_length (shim_spec_get (c->spec, "process.args")) == 0)
    return shim_make_error (err, EINVAL, "config.json: process.args is empty");
  if (shim_rlimits_validate (shim_spec_get (c->spec, "process.rlimits"), err) < 0)
    return -1;
  if (shim_caps_parse (shim_spec_get (c->spec, "process.capabilities"), &c->caps, warn_fd, err) < 0)
    return shim_error_wrap (err, "process.capabilities");
  if (shim_seccomp_prepare (shim_spec_get (c->spec, "linux.seccomp"), cache_dir, &c->seccomp, err) < 0)
    return shim_error_wrap (err, "linux.seccomp");
  if (reject_unsupported (c->spec, err) < 0)
    return -1;
  c->terminal = shim_spec_get (c->spec, "process.terminal")
                && json_object_get_boolean (shim_spec_get (c->spec, "process.terminal"));
  nnp = shim_spec_get (c->spec, "process.noNewPrivileges");
  c->no_new_privs = nnp && json_object_get_boolean (nnp);
  return 0;
}

void
shim_container_free (shim_container_t *c)
{
  int i;

  if (c->spec)
    json_object_put (c->spec);
  c->spec = NULL;
  free (c->rootfs);
  c->rootfs = NULL;
  for (i = 0; i < c->n_joins; i++)
    free (c->joins[i].path);
  c->n_joins = 0;
  if (c->caps)
    shim_caps_free (c->caps);
  c->caps = NULL;
  if (c->seccomp)
    shim_seccomp_free (c->seccomp);
  c->seccomp = NULL;
}

/* Waits for the shim to have written the ID maps, then becomes root of the user namespace. */
static int
set_identity_after_maps (shim_container_t *c, shim_error_t *err)
{
  char b;

  if (shim_read_all (c->init_sync_fd, &b, 1) != 1)
    return shim_make_error (err, errno ? errno : EPIPE, "waiting for the shim (ID maps)");
  if (c->start_fifo_fd < 0 && !c->terminal) /* a terminal's master goes back on it */
    {
      close (c->init_sync_fd);
      c->init_sync_fd = -1;
    }
  if (!(c->clone_flags & CLONE_NEWUSER))
    return 0;
  if (setresgid (0, 0, 0) < 0)
    return shim_make_error (err, errno, "setresgid 0 in the user namespace");
  if (setresuid (0, 0, 0) < 0)
    return shim_make_error (err, errno, "setresuid 0 in the user namespace");
  return 0;
}

static int
set_stdio (shim_container_t *c, shim_error_t *err)
{
  cleanup_close int devnull = open ("/dev/null", O_RDONLY | O_CLOEXEC);

  if (devnull < 0)
    return shim_make_error (err, errno, "open /dev/null");
  if (c->terminal) /* until the terminal replaces them (shim_process_setup_and_exec) */
    {
      if (dup2 (devnull, 0) < 0 || dup2 (devnull, 1) < 0 || dup2 (devnull, 2) < 0)
        return shim_make_error (err, errno, "setting up stdio");
      return 0;
    }
  if (dup2 (c->init_in_fd >= 0 ? c->init_in_fd : devnull, 0) < 0 || dup2 (c->init_out_fd[1], 1) < 0
      || dup2 (c->init_out_fd[2], 2) < 0)
    return shim_make_error (err, errno, "setting up stdio");
  return 0;
}

static int
has_uts_namespace (shim_container_t *c)
{
  int i;

  if (c->clone_flags & CLONE_NEWUTS)
    return 1;
  for (i = 0; i < c->n_joins; i++)
    if (c->joins[i].flag == CLONE_NEWUTS)
      return 1;
  return 0;
}

/* OCI `create`: tells the shim the setup is done, then blocks until `start` reads exec.fifo. */
static int
wait_for_start (shim_container_t *c, shim_error_t *err)
{
  char path[64], created = 'C';
  cleanup_close int fd = -1;

  cleanup_free char *resolved = NULL;

  if (c->start_fifo_fd < 0)
    return 0;
  if (shim_exec_resolve (shim_spec_get (c->spec, "process"), &resolved, err) < 0)
    return -1;
  if (shim_write_all (c->init_sync_fd, &created, 1) < 0)
    return shim_make_error (err, errno, "notifying the shim");
  close (c->init_sync_fd);
  snprintf (path, sizeof (path), "/proc/self/fd/%d", c->start_fifo_fd);
  fd = open (path, O_WRONLY | O_CLOEXEC);
  if (fd < 0)
    return shim_make_error (err, errno, "open exec.fifo");
  if (shim_write_all (fd, "0", 1) < 0)
    return shim_make_error (err, errno, "write exec.fifo");
  return 0;
}

/* The container init: every setup step, in order (crun's container_init_setup).  Runs in the
   cloned child, in all the container's namespaces; returns only on failure. */
static int
container_init_setup (shim_container_t *c, shim_error_t *err)
{
  json_object *spec = c->spec;
  json_object *ro = shim_spec_get (spec, "root.readonly");

  if (prctl (PR_SET_PDEATHSIG, SIGKILL) < 0)
    return shim_make_error (err, errno, "prctl PR_SET_PDEATHSIG");
  if (set_identity_after_maps (c, err) < 0)
    return -1;
  if (set_stdio (c, err) < 0)
    return -1;
  if (shim_selinux_check_mount_label (shim_spec_get_string (spec, "linux.mountLabel"), err) < 0)
    return shim_error_wrap (err, "linux.mountLabel");
  if (shim_set_rootfs (c, err) < 0)
    return shim_error_wrap (err, "rootfs");
  if (shim_set_mounts (c, err) < 0)
    return shim_error_wrap (err, "mounts");
  if (shim_set_pivot_root (c, err) < 0)
    return -1;
  if (shim_set_sysctl (shim_spec_get (spec, "linux.sysctl"), err) < 0)
    return shim_error_wrap (err, "linux.sysctl");
  if (shim_set_masked_paths (shim_spec_get (spec, "linux.maskedPaths"), err) < 0)
    return -1;
  if (shim_set_readonly_paths (shim_spec_get (spec, "linux.readonlyPaths"), err) < 0)
    return -1;
  if (shim_set_rootfs_readonly (ro && json_object_get_boolean (ro), err) < 0)
    return shim_error_wrap (err, "root.readonly");
  if (shim_set_hostname (shim_spec_get_string (spec, "hostname"), has_uts_namespace (c), err) < 0)
    return -1;
  if (shim_set_domainname (shim_spec_get_string (spec, "domainname"), has_uts_namespace (c), err) < 0)
    return -1;
  return shim_process_setup_and_exec (c, err);
}

/* The process half of the setup, shared by `run` (after the filesystem) and `exec` (after the
   setns): rlimits, MAC, cwd, fds, seccomp/capabilities/user in runc's order, then execve. */
int
shim_process_setup_and_exec (shim_container_t *c, shim_error_t *err)
{
  json_object *process = shim_spec_get (c->spec, "process");

  if (c->terminal)
    {
      if (shim_console_setup (process, &c->console_size, c->init_sync_fd, err) < 0)
        return shim_error_wrap (err, "process.terminal");
      if (c->start_fifo_fd < 0)
        {
          close (c->init_sync_fd);
          c->init_sync_fd = -1;
        }
    }
  if (shim_set_rlimits (shim_spec_get (process, "rlimits"), err) < 0)
    return shim_error_wrap (err, "process.rlimits");
  if (shim_set_apparmor (shim_spec_get_string (process, "apparmorProfile"), err) < 0)
    return shim_error_wrap (err, "process.apparmorProfile");
  if (shim_set_selinux_label (shim_spec_get_string (process, "selinuxLabel"), err) < 0)
    return shim_error_wrap (err, "process.selinuxLabel");
  if (shim_set_cwd (shim_spec_get_string (process, "cwd"), err) < 0)
    return -1;
  if (shim_set_close_fds (err) < 0)
    return -1;
  /* the parent-death signal guarded the setup; the container process must outlive nothing */
  if (prctl (PR_SET_PDEATHSIG, 0) < 0)
    return shim_make_error (err, errno, "prctl PR_SET_PDEATHSIG 0");
  if (!c->no_new_privs && shim_set_seccomp (c->seccomp, err) < 0)
    return shim_error_wrap (err, "seccomp");
  if (shim_set_caps_bounding (c->caps, err) < 0)
    return shim_error_wrap (err, "capabilities (bounding set)");
  if (shim_set_user (shim_spec_get (process, "user"), err) < 0)
    return shim_error_wrap (err, "process.user");
  if (shim_set_caps (c->caps, err) < 0)
    return shim_error_wrap (err, "capabilities");
  if (shim_set_no_new_privs (c->no_new_privs, err) < 0)
    return shim_error_wrap (err, "no_new_privs");
  if (c->no_new_privs && shim_set_seccomp (c->seccomp, err) < 0)
    return shim_error_wrap (err, "seccomp");
  if (wait_for_start (c, err) < 0)
    return -1;
  return shim_exec (process, err);
}

static void
run_init (shim_container_t *c, const sigset_t *mask)
{
  shim_error_t err = NULL;

  signal (SIGPIPE, SIG_DFL);
  sigprocmask (SIG_SETMASK, mask, NULL);
  container_init_setup (c, &err);
  shim_error_send (c->init_err_fd, err);
  _exit (127);
}

static int
new_pipe (int fds[2], shim_error_t *err)
{
  if (pipe2 (fds, O_CLOEXEC) < 0)
    return shim_make_error (err, errno, "pipe");
  return 0;
}

/* The shim's half of the terminal: the master the process sends after 'G', or nothing when it
   failed before (its error then comes on the error pipe). */
int
shim_container_receive_console (shim_container_t *c, int sock_fd)
{
  shim_error_t ignored = NULL;

  if (!c->terminal)
    return 0;
  c->console_fd = shim_console_receive (sock_fd, &ignored);
  shim_error_release (&ignored);
  return c->console_fd;
}

/* --stdin: the container's stdin pipe; the shim keeps the write end. */
int
shim_container_stdin_pipe (shim_container_t *c, shim_error_t *err)
{
  int in[2];

  if (!c->want_stdin || c->terminal)
    return 0;
  if (pipe2 (in, O_CLOEXEC) < 0)
    return shim_make_error (err, errno, "pipe");
  c->init_in_fd = in[0];
  c->in_fd = in[1];
  return 0;
}

int
shim_container_start (shim_container_t *c, const sigset_t *init_mask, int warn_fd, shim_error_t *err)
{
  int out1[2], out2[2], errp[2], sock[2];
  char go = 'G';
  pid_t pid;
  int status;

  if (c->terminal && c->passthrough_stdio)
    return shim_make_error (err, ENOTSUP, "process.terminal: --console-socket is not supported");
  if ((!c->passthrough_stdio && (new_pipe (out1, err) < 0 || new_pipe (out2, err) < 0))
      || new_pipe (errp, err) < 0 || (!c->passthrough_stdio && shim_container_stdin_pipe (c, err) < 0))
    return -1;
  if (c->passthrough_stdio)
    {
      out1[0] = out2[0] = -1;
      out1[1] = c->init_out_fd[1];
      out2[1] = c->init_out_fd[2];
    }
  if (socketpair (AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sock) < 0)
    return shim_make_error (err, errno, "socketpair");
  if (shim_prepare_idmapped_layers (c, err) < 0)
    return -1;
  if (shim_join_namespaces (c->joins, c->n_joins, err) < 0)
    return -1;
  c->init_out_fd[1] = out1[1];
  c->init_out_fd[2] = out2[1];
  c->init_err_fd = errp[1];
  c->init_sync_fd = sock[1];

  pid = syscall (SYS_clone, (unsigned long)c->clone_flags | SIGCHLD, 0, NULL, NULL, 0);
  if (pid < 0)
    return shim_make_error (err, errno, "clone");
  if (pid == 0)
    {
      close (out1[0]);
      close (out2[0]);
      close (errp[0]);
      close (sock[0]);
      if (c->in_fd >= 0)
        close (c->in_fd);
      run_init (c, init_mask);
    }
  close (out1[1]);
  close (out2[1]);
  close (errp[1]);
  close (sock[1]);
  shim_close_idmapped_layers (c);
  if (c->init_in_fd >= 0)
    close (c->init_in_fd);
  c->out_fd[1] = out1[0];
  c->out_fd[2] = out2[0];
  c->pid = pid;

  if (((c->clone_flags & CLONE_NEWUSER) && shim_set_id_maps (pid, c->spec, err) < 0)
      || shim_set_oom_score_adj (pid, shim_spec_get (c->spec, "process.oomScoreAdj"), err) < 0
      || shim_set_cgroup (pid, c->spec, warn_fd, err) < 0
      || shim_set_network (pid, c->spec, err) < 0)
    {
      kill (pid, SIGKILL);
      close (sock[0]);
      close (errp[0]);
      waitpid (pid, &status, 0);
      return -1;
    }
  if (shim_write_all (sock[0], &go, 1) < 0)
    {
      /* the init died early: its error (if any) is in the pipe */
    }
  if (c->start_fifo_fd >= 0)
    {
      char created = 0;
      int got = shim_read_all (sock[0], &created, 1) == 1 && created == 'C';
      close (sock[0]);
      close (c->start_fifo_fd);
      c->start_fifo_fd = -1;
      if (got)
        {
          c->out_fd[0] = errp[0]; /* kept open (unread): a failed execve after `start` must not SIGPIPE */
          return 0;
        }
    }
  else
    {
      shim_container_receive_console (c, sock[0]);
      close (sock[0]);
    }
  if (shim_sync_read_init_error (errp[0], err) < 0)
    {
      close (errp[0]);
      waitpid (pid, &status, 0);
      return -1;
    }
  close (errp[0]);
  return 0;
}
