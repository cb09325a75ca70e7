/* log.c -- k8s-file log records (see log.h). */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "log.h"
#include "utils.h"

size_t
shim_format_rfc3339nano (const struct timespec *ts, char *buf, size_t size)
{
  struct tm tm;
  int n;

  gmtime_r (&ts->tv_sec, &tm);
  n = snprintf (buf, size, "%04d-%02d-%02dT%02d:%02d:%02d.%09ldZ", tm.tm_year + 1900, tm.tm_mon + 1,
                tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, (long)ts->tv_nsec);
  if (n < 0)
    return 0;
  return (size_t)n < size ? (size_t)n : size - 1;
}

static void
append (char **out, size_t *size, size_t *used, const void *data, size_t len)
{
  if (*used + len > *size)
    {
      size_t n = *size ? *size : 4096;
      while (n < *used + len)
        n *= 2;
      *out = xrealloc (*out, n);
      *size = n;
    }
  memcpy (*out + *used, data, len);
  *used += len;
}

size_t
shim_log_format_chunk (const char *timestamp, int stream, const char *data, size_t len, char **out,
                       size_t *out_size)
{
  const char *tag = stream == SHIM_LOG_STDERR ? " stderr " : " stdout ";
  size_t ts_len = strlen (timestamp);
  size_t used = 0;

  while (len > 0)
    {
      const char *nl = memchr (data, '\n', len);
      size_t seg = nl ? (size_t)(nl - data) : len;

      append (out, out_size, &used, timestamp, ts_len);
      append (out, out_size, &used, tag, 8);
      append (out, out_size, &used, nl ? "F " : "P ", 2);
      append (out, out_size, &used, data, seg);
      append (out, out_size, &used, "\n", 1);
      if (nl == NULL)
        break;
      data += seg + 1;
      len -= seg + 1;
    }
  return used;
}

int
shim_log_write_chunk (int fd, int stream, const char *data, size_t len, shim_error_t *err)
{
  static char *buf;
  static size_t buf_size;
  struct timespec now;
  char ts[64];
  size_t n;

  clock_gettime (CLOCK_REALTIME, &now);
  shim_format_rfc3339nano (&now, ts, sizeof (ts));
  n = shim_log_format_chunk (ts, stream, data, len, &buf, &buf_size);
  if (n > 0 && shim_write_all (fd, buf, n) < 0)
    return shim_make_error (err, errno, "writing the container log");
  return 0;
}
