/* handover.h -- the monitor leaves the sealed memfd copy once the container process runs.
 *
 * Why: a monitor that goes on running from its sealed memfd copy (cloned_binary.h) keeps the
 * whole copy in memory and every page of it it touched is private to it (~1 MiB per container for
 * the static binary).  Only the processes that enter a container need the copy: the init and the
 * exec helper and its child, which are forked from the monitor before the handover and so run
 * from the copy until their execve (CVE-2019-5736 stays closed for them).  The monitor itself
 * never joins a container's mount, user-of-the-container or pid namespace, and the container
 * cannot see it:
 *   - the container process lives in a pid namespace below the monitor's (checked: its pid
 *     namespace walks up to ours with NS_GET_PARENT), so no procfs of the container lists the
 *     monitor.  When the container shares the monitor's pid namespace (or one that is not below
 *     it) there is no handover: the monitor stays on the sealed copy.
 *   - the re-executed monitor makes itself non-dumpable first (PR_SET_DUMPABLE 0): even through
 *     a host procfs bind-mounted into the container, /proc/<monitor>/exe then needs
 *     CAP_SYS_PTRACE over the monitor's user namespace, and a process holding that can
 *     ptrace-attach the monitor and write the binary through the monitor itself, sealed copy or
 *     not.
 *
 * Contract: shim_handover() is called by the monitor after it has answered on the sync fd and
 * freed the spec.  When the container process still runs, the on-disk binary is still the file the
 * copy was made from and the container cannot see the monitor, it re-executes that binary (same pid: still the container
 * process's parent) as
 *   skiff-shim supervise ID PID FDS EXIT_FILE [ATTACH_SOCKET]
 * FDS = "out1,out2,console,in,keep,log,listen,hold" (fd numbers, -1 = none; keep = an fd that must
 * stay open and unread; hold = --hold-output).  Every fd the monitor has open comes over the execve
 * (close-on-exec is cleared on all of them, and set again on all of them in `supervise`): also
 * those it holds only to keep something alive, e.g. slirp4netns' exit fd (network.h).  Pending
 * and blocked signals, the ignored SIGPIPE, children (slirp4netns) and unaccepted attach
 * connections carry over too.
 * It returns (-1) only when it did not re-execute: the caller then supervises from the copy.
 * shim_handover_main() is `supervise`: it rebuilds the container/supervise state and runs
 * shim_supervise(), which unmaps the binary's read-only pages at its start and whenever its loop
 * has been idle a while after activity (supervise.h).  Anything shim_supervise() reads from
 * shim_container_t or the options must be carried here.
 * For measurements (src/test/native/shim_memory.py): _SKIFF_NO_HANDOVER=1 in the environment keeps
 * the monitor on the sealed copy, _SKIFF_KEEP_TEXT=1 keeps the read-only pages mapped.
 */
#ifndef SHIM_HANDOVER_H
#define SHIM_HANDOVER_H

#include "container.h"
#include "supervise.h"

int shim_handover (char *argv0, const char *id, const shim_container_t *c, const struct shim_supervise_opts_s *o);
int shim_handover_main (int argc, char **argv);

/* Pure (tests): 1 when pid namespace `ns` (an open fd) is strictly below `own` (dev/ino), found
   by walking up with NS_GET_PARENT; 0 otherwise (the same one, above, or unrelated). */
int shim_pidns_is_below (int ns, dev_t own_dev, ino_t own_ino);

#endif
