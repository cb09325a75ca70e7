/* error.h -- how every fallible function in skiff-shim reports failure.
 *
 * Contract (crun's design-docs/error_handling.md, adapted):
 *   - A function that can fail takes `shim_error_t *err` as its LAST parameter.
 *   - On failure it returns a negative value and fills *err (errno-style status + message)
 *     with shim_make_error(); on success it leaves *err untouched.
 *   - Callers add context on the way up with shim_error_wrap(); only main() prints or exits.
 *   - The container init cannot print: shim_error_send() serialises the error as one JSON line
 *     {"errno":E,"message":"..."} on the sync fd, and the daemon rebuilds it.
 * See docs/native-error-handling.md.
 */
#ifndef SHIM_ERROR_H
#define SHIM_ERROR_H

#include <errno.h>

struct shim_error_s
{
  int status;  /* errno value, 0 when not an OS error */
  char *msg;   /* heap-allocated, owned by the error */
};
typedef struct shim_error_s *shim_error_t;

/* Sets *err to a new error "<fmt...>: <strerror(status)>" (no suffix when status == 0).
   Always returns -1 so callers can write `return shim_make_error (err, errno, "open `%s`", p);`. */
int shim_make_error (shim_error_t *err, int status, const char *fmt, ...)
    __attribute__ ((format (printf, 3, 4)));

/* Prefixes the message of an existing error: "<fmt...>: <old message>". Returns -1. */
int shim_error_wrap (shim_error_t *err, const char *fmt, ...) __attribute__ ((format (printf, 2, 3)));

/* Frees the error and sets *err to NULL. Safe on NULL. */
void shim_error_release (shim_error_t *err);

/* Writes {"errno":E,"message":"..."}\n to fd (JSON-escaped). Returns 0 or -errno. */
int shim_error_send (int fd, const shim_error_t err);

/* Writes a warning line {"warning":"..."}\n to fd (used e.g. for a capability this kernel lacks). */
int shim_warning_send (int fd, const char *fmt, ...) __attribute__ ((format (printf, 2, 3)));

#endif
