/* error.c -- shim_error_t: errno + message, built on failure, wrapped on the way up, sent as
 * one JSON line by the container init (see error.h and docs/native-error-handling.md). */
#define _GNU_SOURCE
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "utils.h"

int
shim_make_error (shim_error_t *err, int status, const char *fmt, ...)
{
  cleanup_free char *msg = NULL;
  struct shim_error_s *e;
  va_list ap;

  va_start (ap, fmt);
  if (vasprintf (&msg, fmt, ap) < 0)
    msg = NULL;
  va_end (ap);

  e = xmalloc0 (sizeof (*e));
  e->status = status;
  if (status != 0)
    xasprintf (&e->msg, "%s: %s", msg ? msg : "(no message)", strerror (status));
  else
    e->msg = xstrdup (msg ? msg : "(no message)");
  if (err == NULL)
    {
      free (e->msg);
      free (e);
      return -1;
    }
  shim_error_release (err);
  *err = e;
  return -1;
}

int
shim_error_wrap (shim_error_t *err, const char *fmt, ...)
{
  cleanup_free char *prefix = NULL;
  char *msg;
  va_list ap;

  if (err == NULL || *err == NULL)
    return -1;
  va_start (ap, fmt);
  if (vasprintf (&prefix, fmt, ap) < 0)
    prefix = NULL;
  va_end (ap);
  if (prefix == NULL)
    return -1;
  xasprintf (&msg, "%s: %s", prefix, (*err)->msg);
  free ((*err)->msg);
  (*err)->msg = msg;
  return -1;
}

void
shim_error_release (shim_error_t *err)
{
  if (err == NULL || *err == NULL)
    return;
  free ((*err)->msg);
  free (*err);
  *err = NULL;
}

static int
send_json_string_line (int fd, const char *prefix, const char *s, const char *suffix)
{
  size_t n = strlen (s) * 6 + 1;
  cleanup_free char *esc = xmalloc (n);
  cleanup_free char *line = NULL;
  int len;

  shim_json_escape (s, esc, n);
  len = xasprintf (&line, "%s\"%s\"%s\n", prefix, esc, suffix);
  if (shim_write_all (fd, line, len) < 0)
    return -errno;
  return 0;
}

int
shim_error_send (int fd, const shim_error_t err)
{
  char prefix[64];

  snprintf (prefix, sizeof (prefix), "{\"errno\":%d,\"message\":", err ? err->status : 0);
  return send_json_string_line (fd, prefix, err && err->msg ? err->msg : "unknown error", "}");
}

int
shim_warning_send (int fd, const char *fmt, ...)
{
  cleanup_free char *msg = NULL;
  va_list ap;
  int r;

  if (fd < 0)
    return 0;
  va_start (ap, fmt);
  r = vasprintf (&msg, fmt, ap);
  va_end (ap);
  if (r < 0)
    return -ENOMEM;
  return send_json_string_line (fd, "{\"warning\":", msg, "}");
}
