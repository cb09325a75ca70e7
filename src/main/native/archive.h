/* archive.h -- `skiff-shim archive`: files into and out of a container (podman cp, docker cp).
 *
 *   skiff-shim archive stat|get|put --path ABS (--pid PID | --bundle DIR [--userns-holder PIDFILE])
 *                      [--chown UID:GID] [--no-overwrite-dir-non-dir] [--rename OLD=NEW]...
 *
 * Contract:
 *   - Where: with --pid, the running container process PID's user namespace (when it differs from
 *     ours) and mount namespace are joined, then the shim becomes the namespace's uid/gid 0; "/"
 *     is then the container's root with its volumes and bind mounts (a PID that shares the shim's
 *     mount namespace is no container's process any more: ESRCH).  With --bundle (a container
 *     that does not run), DIR/config.json is loaded as for `run`, and a child is cloned into a new
 *     user namespace (the holder's child, when given, maps written as for `run`) and a new mount
 *     namespace, where the rootfs overlay (ID-mapped layers included) and the spec's bind mounts
 *     (volumes, host paths; no proc, sysfs, tmpfs, devpts, mqueue) are mounted and pivot_root'ed
 *     to, the rootfs read-only when root.readonly says so (as when it runs: EROFS).  Either way the operation runs as the container's root inside the container's view, and
 *     every path is also resolved with openat2(RESOLVE_IN_ROOT) against that root: absolute
 *     symlinks and ".." never leave it.  The process is non-dumpable and runs from the sealed copy
 *     of the binary (cloned_binary.h).
 *   - stat: prints one JSON line {"name","size","mode","mtime","isDir","linkTarget"} (Podman's
 *     define.FileInfo: mode in Go os.FileMode bits, of the path itself (lstat); isDir of what a
 *     symlink points to; linkTarget the absolute path with symlinks resolved, keeping a trailing
 *     "/" or "/."; mtime RFC 3339 UTC with nanoseconds).
 *   - get: writes a tar of the path to stdout (ustar + PAX for long names): a file as its base
 *     name, a directory recursively under its base name, "DIR/." as the directory's contents, the
 *     path itself not followed when it is a symlink; hard links are kept; sockets and (as Podman)
 *     files the container's root cannot read are skipped; from "/", /proc, /sys and /dev are left out.
 *   - put: reads a tar from stdin and extracts it under the path, which must be an existing
 *     directory (ENOENT, ENOTDIR).  Entry names are cleaned; a name climbing above the directory is
 *     EINVAL; missing parents are created 0755.  Owners: --chown, else the entry's uid/gid (one the
 *     container's namespace does not map is EOVERFLOW, naming the entry).  Modes keep
 *     setuid/setgid/sticky (set after the chown); directories get mode and times last.  An existing
 *     entry of another kind is replaced (a directory by a non-directory or the reverse is EEXIST
 *     with --no-overwrite-dir-non-dir).  Devices need a namespace that may mknod (else EPERM,
 *     naming the entry).  PAX xattrs are ignored.  --rename OLD=NEW renames an entry OLD (and
 *     what is below it).  Entries extracted before an error stay.  Whatever follows the end
 *     marker is read and dropped.  Prints {"entries":N}.
 *   - Errors: exit 1 and one JSON line {"errno":E,"message":"..."} on stderr.
 */
#ifndef SHIM_ARCHIVE_H
#define SHIM_ARCHIVE_H

#include <stdint.h>
#include <sys/types.h>

/* argv[1] == "archive"; returns the exit status. */
int shim_archive_main (int argc, char **argv);

/* Pure helpers (unit-tested). */
uint32_t shim_go_file_mode (mode_t mode);
/* "/a/b/" -> base "b"; "/a/." -> "."; "/" -> "/" (Go's filepath.Base); malloc'd. */
char *shim_archive_base (const char *path);
/* Applies OLD=NEW renames to a cleaned entry name; malloc'd result. */
char *shim_archive_rename (const char *name, char *const *renames, int n_renames);

#endif
