/* oci.h -- the OCI runtime command-line subset: create, start, state, kill, delete, run.
 *
 *   skiff-shim [--root DIR] create [--bundle DIR] [--pid-file PATH] ID
 *   skiff-shim [--root DIR] start ID
 *   skiff-shim [--root DIR] state ID
 *   skiff-shim [--root DIR] kill ID [SIGNAL]          (default TERM; names with or without SIG, or numbers)
 *   skiff-shim [--root DIR] delete [--force] ID
 *   skiff-shim [--root DIR] run [--bundle DIR] [--pid-file PATH] ID   (create + start + wait + delete)
 *
 * Contract: the state of container ID lives in ROOT/ID (ROOT defaults to /run/skiff-shim, or
 * $XDG_RUNTIME_DIR/skiff-shim when not root): state.json {ociVersion,id,pid,bundle}, exit.json
 * (the exit file, written by the shim's monitor as for the daemon protocol) and exec.fifo while
 * the container is "created".  `create` runs the normal launch (detached monitor, init set up up
 * to execve) but the init then blocks opening exec.fifo for writing; `start` reads it, so the
 * init proceeds to execve.  The container's stdio is the caller's (no log file; runc's
 * non-terminal pass-through).  Status: "created" (init alive, fifo present), "running" (alive,
 * no fifo), "stopped" (exit.json present or the pid gone).
 */
#ifndef SHIM_OCI_H
#define SHIM_OCI_H

#include <sys/types.h>
#include <json-c/json.h>
#include "error.h"

/* Default ROOT (heap). */
char *shim_oci_default_root (void);

/* Hooks (OCI command line only): `start` runs hooks.prestart (a failure kills the container and
   fails start) before letting the init execve, then hooks.poststart; `delete` (and `run` at its
   end) runs hooks.poststop after removing the state.  poststart/poststop failures are warnings on
   stderr.  Each hook gets the state JSON on stdin and runs in the caller's namespaces with only
   its own env; its timeout kills it.  The daemon protocol has no hooks: shim_oci_refuse_hooks.
   createRuntime/createContainer/startContainer are refused in every mode (container.c). */
int shim_oci_refuse_hooks (json_object *spec, shim_error_t *err);

/* start / state / kill / delete: the whole command; returns the process exit status. */
int shim_oci_command (const char *root, int argc, char **argv);

/* create / run, before launching: ROOT/ID with exec.fifo; *exit_file and *fifo are heap paths. */
int shim_oci_prepare (const char *root, const char *id, char **exit_file, char **fifo, shim_error_t *err);

/* In the monitor, once the init waits on the fifo: ROOT/ID/state.json, which also keeps the
   spec's linux.cgroupsPath for `delete` to remove (shim_cgroup_remove). */
int shim_oci_write_state (const char *root, const char *id, const char *bundle, pid_t pid, json_object *spec,
                          shim_error_t *err);

/* In the process the user started, after detaching: reads the monitor's JSON line from fd; for
   `run` then starts the container, waits for its exit and deletes it.  Never returns. */
void shim_oci_foreground (int fd, const char *root, const char *id, int is_run) __attribute__ ((noreturn));

#endif
