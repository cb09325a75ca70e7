/* utils.h -- cleanup attributes, aborting allocators and retrying I/O helpers.
 *
 * Resources are released by cleanup attributes (`cleanup_free char *p = NULL;`,
 * `cleanup_close int fd = -1;`). Ownership moves out with `return get_and_reset (&fd);`
 * or by setting the pointer to NULL. x-allocators abort on out-of-memory.
 */
#ifndef SHIM_UTILS_H
#define SHIM_UTILS_H

#include <dirent.h>
#include <stddef.h>
#include <sys/types.h>
#include "error.h"

void cleanup_freep (void *p);
void cleanup_closep (int *fd);

#define cleanup_free __attribute__ ((cleanup (cleanup_freep)))
#define cleanup_close __attribute__ ((cleanup (cleanup_closep)))

#define LIKELY(x) __builtin_expect (!!(x), 1)
#define UNLIKELY(x) __builtin_expect (!!(x), 0)

static inline int
get_and_reset (int *fd)
{
  int r = *fd;
  *fd = -1;
  return r;
}

void *xmalloc (size_t size);
void *xmalloc0 (size_t size);
void *xrealloc (void *p, size_t size);
char *xstrdup (const char *s);
int xasprintf (char **out, const char *fmt, ...) __attribute__ ((format (printf, 2, 3)));

/* A directory stream on a duplicate of dfd (dfd itself stays open and where it was); NULL with
   errno set, nothing left open. */
DIR *shim_opendir_dup (int dfd);

/* Two close-on-exec pipes; on failure neither is left open (returns -1 with *err set). */
int shim_pipe_pair (int a[2], int b[2], shim_error_t *err);

/* Retry on EINTR / short counts. Return bytes transferred or -1 with errno set. */
ssize_t shim_read_all (int fd, void *buf, size_t len);
ssize_t shim_write_all (int fd, const void *buf, size_t len);

/* Appends s to out as a JSON string body (without the surrounding quotes), escaping as needed. */
void shim_json_escape (const char *s, char *out, size_t out_size);

/* Writes data to path atomically (temp file in the same directory, fsync, rename). */
int shim_write_file_atomic (const char *path, const char *data, size_t len, shim_error_t *err);

/* Checks that the directory that will hold path exists and is writable (e.g. the exit file's,
   checked before the container starts rather than discovered when it exits). */
int shim_check_parent_writable (const char *path, shim_error_t *err);

#endif
