/* container.h -- the parsed container and the order of its setup.
 *
 * Contract:
 *   - shim_container_load() reads and validates BUNDLE/config.json in the shim (before any fork
 *     that matters), resolving root.path against the bundle, parsing namespaces, capabilities
 *     (warnings to warn_fd) and compiling seccomp, so that most bad bundles fail before clone.
 *   - shim_container_start() clones the container init into its namespaces, writes its ID maps,
 *     joins the cgroup, and waits until the init has exec'd the container process (a CLOEXEC error
 *     pipe reaches EOF without data) or failed (the pipe carries {"errno":..,"message":..}).
 *     On success c->pid is the container pid (in the shim's pid namespace) and c->out_fd[1..2]
 *     are the read ends of the container's stdout/stderr pipes -- or, with process.terminal,
 *     c->console_fd is the pty master the init sent over the sync socket (console.h); with
 *     want_stdin c->in_fd is the write end of the container's stdin pipe.  On failure the init is reaped
 *     and *err holds the init's error.
 *   - The init runs container_init_setup() in container.c: the one readable list of steps.
 */
#ifndef SHIM_CONTAINER_H
#define SHIM_CONTAINER_H

#include <signal.h>
#include <sys/types.h>
#include <json-c/json.h>
#include "console.h"
#include "error.h"

struct shim_caps_s;
struct shim_seccomp_s;
struct shim_rootfs_fds_s;

struct shim_ns_join_s
{
  int flag;   /* CLONE_NEW* */
  char *path; /* namespace file to setns() into */
};

struct shim_container_s
{
  const char *id;
  const char *bundle;
  const char *cache_dir;
  json_object *spec;
  char *rootfs;    /* absolute path of root.path */
  int clone_flags; /* namespaces to create */
  struct shim_ns_join_s joins[8];
  int n_joins;
  struct shim_caps_s *caps;
  struct shim_seccomp_s *seccomp;
  int no_new_privs;
  int terminal;   /* process.terminal: a pty instead of pipes (console.h) */
  int want_stdin; /* --stdin: the container's stdin is a pipe fed by the shim */
  struct shim_console_size_s console_size; /* --console-size, 0x0 = process.consoleSize */
  pid_t pid;      /* container process, once started */
  int out_fd[3];  /* [1], [2]: read ends of the container's stdout/stderr pipes */
  int console_fd; /* the terminal's master (instead of out_fd), -1 = none */
  int in_fd;      /* write end of the stdin pipe (want_stdin), -1 = none */
  /* init side only */
  int init_sync_fd;   /* socket to the shim: waits for "ID maps written" */
  int init_err_fd;    /* CLOEXEC pipe: error JSON line on failure, EOF on successful exec */
  int init_out_fd[3]; /* write ends given to the container as stdout/stderr */
  /* OCI command-line mode (oci.h) */
  int passthrough_stdio; /* init_in_fd / init_out_fd are the caller's stdio, no log pipes */
  int init_in_fd;        /* stdin for the container, -1 = /dev/null */
  int start_fifo_fd;     /* O_PATH exec.fifo: the init blocks on it before execve, -1 = no */
  int *idmap_lower_fds;  /* ID-mapped clones of the overlay lower dirs (mounts.h), made before clone */
  int n_idmap_lower;
  struct shim_rootfs_fds_s *rootfs_fds; /* init only: the daemon user's dirs, opened early (mounts.h) */
};
typedef struct shim_container_s shim_container_t;

/* process_file: NULL for `run`; for `exec`, an OCI process object replacing config.json's. */
int shim_container_load (shim_container_t *c, const char *bundle, const char *id, const char *process_file,
                         const char *cache_dir, int warn_fd, shim_error_t *err);
int shim_container_start (shim_container_t *c, const sigset_t *init_mask, int warn_fd, shim_error_t *err);
/* In the init (or exec'd child): rlimits .. execve; returns only on failure. */
int shim_process_setup_and_exec (shim_container_t *c, shim_error_t *err);
void shim_container_free (shim_container_t *c);
/* Shared with exec: the stdin pipe (want_stdin, no terminal), and receiving the terminal's master
   on the sync socket after 'G' (sets c->console_fd; -1 when the process failed first). */
int shim_container_stdin_pipe (shim_container_t *c, shim_error_t *err);
int shim_container_receive_console (shim_container_t *c, int sock_fd);

#endif
