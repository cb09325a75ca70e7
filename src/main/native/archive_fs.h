/* archive_fs.h -- what archive.c, archive_get.c and archive_put.c share (internal to
 * `skiff-shim archive`, see archive.h for the contract).  Every path is a container path resolved
 * against rootfd (the container's root) with openat2(RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS).
 */
#ifndef SHIM_ARCHIVE_FS_H
#define SHIM_ARCHIVE_FS_H

#include <stdint.h>
#include <sys/types.h>
#include "error.h"

#define SHIM_ARCHIVE_IO_BUF (256 * 1024)
#define MAX_RENAMES 64

struct shim_archive_opts_s
{
  const char *op, *path, *bundle, *holder;
  pid_t pid;
  int chown, no_overwrite, one_file_system;
  int64_t chown_uid, chown_gid;
  char *renames[MAX_RENAMES];
  int n_renames;
};

/* openat2 of path below rootfd (RESOLVE_IN_ROOT); follow: whether the last component may be a
   symlink that is followed (else O_NOFOLLOW).  -1 with errno. */
int shim_archive_open_in_root (int rootfd, const char *path, int flags, int follow);
/* The absolute container path with every symlink resolved (a missing last component kept). */
int shim_archive_resolve_path (int rootfd, const char *path, char **out, shim_error_t *err);
/* "/" becomes "/." (the root's contents), anything else is returned as is. */
const char *shim_archive_request_path (const char *path);
/* A tar of path on stdout. one_file_system: what other mounts bring (volumes, bind mounts, tmpfs,
   /etc/hosts...) is left out; a directory that is a mount point is there, empty (export). */
int shim_archive_get (int rootfd, const char *path, int one_file_system, shim_error_t *err);
int shim_archive_put (int rootfd, const struct shim_archive_opts_s *o, shim_error_t *err);

#endif
