/* mounts.h -- the container's filesystem view: rootfs, /proc /dev /sys, spec mounts, pivot_root,
 * masked and read-only paths.  All run in the init, inside its user + mount namespaces.
 *
 * Contract:
 *   - Every mount target is resolved inside the rootfs with openat2(RESOLVE_IN_ROOT) and mounted
 *     onto /proc/self/fd/N, so a symlink in the image can never redirect a mount to the host
 *     (CVE-2021-30465).  Missing directories/files are created component by component with
 *     mkdirat/openat on an already resolved parent.  A symlink whose relative target climbs above
 *     the rootfs is refused with EXDEV ("... escapes the rootfs ...") rather than clamped.
 *   - Read-only and nosuid/nodev/noexec on binds are applied with mount_setattr(2), which only
 *     sets the requested attributes: flags the kernel locked in a user namespace are kept.
 *   - Defaults when the spec lacks them: proc on /proc, tmpfs on /dev (+ null zero full random
 *     urandom tty and the fd/stdin/stdout/stderr/ptmx symlinks), devpts on /dev/pts
 *     (newinstance,ptmxmode=0666), tmpfs /dev/shm, mqueue /dev/mqueue, sysfs read-only on /sys.
 *     Where the kernel refuses (user namespace): device nodes are bind mounts of the host's,
 *     sysfs is a recursive read-only bind of the host /sys, mqueue a bind of the host's.
 *   - shim_set_pivot_root() uses pivot_root(".", ".") + MNT_DETACH (never chroot), then gives "/"
 *     linux.rootfsPropagation ([r]shared, [r]slave, [r]private, [r]unbindable; others refused).
 *   - linux.devices (after the mounts): c/b/u/p nodes made with mknod, fileMode and uid/gid;
 *     where mknod is refused (user namespace) the host's node at the same path is bound if it is
 *     the same device, else the EPERM is the error; the same device already there is kept.
 *   - ID-mapped layers (root shim only): when the annotations dev.skiff.overlay.idmap.uids/gids
 *     are set ("on-disk:seen-as:size,..." lists, the form of a runtime-spec mount's uidMappings),
 *     shim_prepare_idmapped_layers(), in the shim BEFORE clone (it needs privilege over the host
 *     user namespace), clones each overlay lower dir with open_tree(OPEN_TREE_CLONE) and makes the
 *     clone ID-mapped with mount_setattr(MOUNT_ATTR_IDMAP) through a user namespace holding those
 *     maps: an on-disk owner k reads as the ID that namespace maps k to.  The init inherits the
 *     detached mounts and shim_set_rootfs() move_mount()s each one over its lower dir in the
 *     container's (private) mount namespace before mounting the overlay, so lowerdir= is unchanged.
 *     shim_close_idmapped_layers() drops the shim's copies after clone.
 *   - The daemon user's directories (rootless): the overlay's layers, upper and work dirs and the
 *     rootfs mount point live below the daemon user's 0700 directories, which the container's root
 *     cannot walk when it is a subordinate ID (--userns=auto, nomap, keep-id).  So
 *     shim_open_rootfs_dirs(), in the init right after clone and BEFORE it becomes the container's
 *     root (its credentials are still the shim's, and the fds belong to its new mount namespace,
 *     which overlay and move_mount require), opens them, and turns every bind mount source it can
 *     open into a /proc/self/fd/N path (mount follows that magic link without walking the path).
 *     When an open fails (a root shim's fresh init has no capability over anything until its maps
 *     are written; its paths are reachable anyway) the old path-based mount is used.
 *     shim_set_rootfs() then builds the overlay from those fds (fsopen + fsconfig FSCONFIG_SET_FD
 *     "lowerdir+"/"upperdir"/"workdir", Linux >= 6.13; older kernels: lowerdir=/proc/self/fd/N
 *     strings), move_mount()s it onto the mount point fd, and c->rootfs becomes the mount's
 *     /proc/self/fd path for the later steps (spec mounts, pivot_root).  Not with ID-mapped layers
 *     (a root shim): they keep the path-based mount.
 *   - Masked paths: a file gets /dev/null bound over it, a directory a read-only empty tmpfs;
 *     absent paths are skipped.  Read-only paths: recursive bind onto itself + read-only.
 */
#ifndef SHIM_MOUNTS_H
#define SHIM_MOUNTS_H

#include "container.h"
#include "error.h"

int shim_prepare_idmapped_layers (shim_container_t *c, shim_error_t *err);
void shim_close_idmapped_layers (shim_container_t *c);
void shim_open_rootfs_dirs (shim_container_t *c);
void shim_close_rootfs_dirs (shim_container_t *c);
int shim_set_rootfs (shim_container_t *c, shim_error_t *err);
int shim_set_mounts (shim_container_t *c, shim_error_t *err);
int shim_set_pivot_root (shim_container_t *c, shim_error_t *err);
/* Only the spec's bind mounts (volumes, host paths): `skiff-shim archive` on a stopped container. */
int shim_set_bind_mounts (shim_container_t *c, shim_error_t *err);
int shim_set_masked_paths (json_object *paths, shim_error_t *err);
int shim_set_readonly_paths (json_object *paths, shim_error_t *err);
int shim_set_rootfs_readonly (int readonly, shim_error_t *err);

/* Opens path (absolute, container view) inside the directory rootfd with RESOLVE_IN_ROOT.
   create: 0 none, 'd' missing directories, 'f' missing parents + an empty file.  O_PATH fd. */
int shim_open_in_root (int rootfd, const char *path, int create, shim_error_t *err);

#endif
