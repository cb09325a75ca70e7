/* log.c -- k8s-file log records (see log.h).
 *
 * Short lines make the log ~20 times larger than what the container wrote ("a\n" becomes a
 * 42-byte record), so the formatter is the hot loop of log ingest: the record prefix (timestamp
 * and stream) is built once per chunk, each line is one memchr and two memcpys into an output
 * buffer of fixed size, and the buffer is written whenever it is full and at the end of the chunk.
 * The shim's memory stays bounded (LOG_OUT_SIZE) whatever the chunk holds. */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>

#include "log.h"
#include "utils.h"

#define LOG_OUT_SIZE 65536

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

/* Formatted records collect in buf[0, used); flush empties it (returns < 0 with errno set). */
typedef struct log_out_s
{
  char *buf;
  size_t cap;
  size_t used;
  int (*flush) (struct log_out_s *o);
  void *ctx;
} log_out_t;

static int
put (log_out_t *o, const char *p, size_t n)
{
  while (n > 0)
    {
      size_t room = o->cap - o->used, k;

      if (room == 0)
        {
          if (o->flush (o) < 0)
            return -1;
          room = o->cap - o->used;
        }
      k = n < room ? n : room;
      memcpy (o->buf + o->used, p, k);
      o->used += k;
      p += k;
      n -= k;
    }
  return 0;
}

/* memchr for '\n', with the first bytes checked inline: most log lines are short. */
static inline const char *
find_newline (const char *p, size_t n)
{
  size_t i, k = n < 16 ? n : 16;

  for (i = 0; i < k; i++)
    if (p[i] == '\n')
      return p + i;
  return n > k ? memchr (p + k, '\n', n - k) : NULL;
}

/* prefix = "<timestamp> <stream> " (plen bytes); each segment becomes prefix + "F |P " + line + "\n". */
static int
format_records (log_out_t *o, const char *prefix, size_t plen, const char *data, size_t len)
{
  while (len > 0)
    {
      const char *nl = find_newline (data, len);
      size_t seg = nl ? (size_t)(nl - data) : len;
      size_t need = plen + 2 + seg + 1;

      if (o->cap - o->used >= need)
        {
          char *w = o->buf + o->used;

          memcpy (w, prefix, plen);
          w += plen;
          *w++ = nl ? 'F' : 'P';
          *w++ = ' ';
          memcpy (w, data, seg);
          w[seg] = '\n';
          o->used += need;
        }
      else if (put (o, prefix, plen) < 0 || put (o, nl ? "F " : "P ", 2) < 0 || put (o, data, seg) < 0
               || put (o, "\n", 1) < 0)
        return -1;
      if (nl == NULL)
        break;
      data += seg + 1;
      len -= seg + 1;
    }
  return 0;
}

static size_t
make_prefix (const char *timestamp, int stream, char *prefix, size_t size)
{
  int n = snprintf (prefix, size, "%s %s ", timestamp, stream == SHIM_LOG_STDERR ? "stderr" : "stdout");

  if (n < 0)
    return 0;
  return (size_t)n < size ? (size_t)n : size - 1;
}

/* shim_log_format_chunk's sink: the fixed buffer is appended to a heap buffer that grows. */
typedef struct heap_sink_s
{
  char **out;
  size_t *out_size;
  size_t used;
} heap_sink_t;

static int
flush_to_heap (log_out_t *o)
{
  heap_sink_t *h = o->ctx;

  if (h->used + o->used > *h->out_size)
    {
      size_t n = *h->out_size ? *h->out_size : 4096;
      while (n < h->used + o->used)
        n *= 2;
      *h->out = xrealloc (*h->out, n);
      *h->out_size = n;
    }
  memcpy (*h->out + h->used, o->buf, o->used);
  h->used += o->used;
  o->used = 0;
  return 0;
}

size_t
shim_log_format_chunk (const char *timestamp, int stream, const char *data, size_t len, char **out,
                       size_t *out_size)
{
  char buf[4096], prefix[128];
  heap_sink_t h = { .out = out, .out_size = out_size, .used = 0 };
  log_out_t o = { .buf = buf, .cap = sizeof (buf), .used = 0, .flush = flush_to_heap, .ctx = &h };
  size_t plen = make_prefix (timestamp, stream, prefix, sizeof (prefix));

  format_records (&o, prefix, plen, data, len);
  flush_to_heap (&o);
  return h.used;
}

static int
flush_to_fd (log_out_t *o)
{
  int fd = *(int *)o->ctx;

  if (o->used > 0 && shim_write_all (fd, o->buf, o->used) < 0)
    return -1;
  o->used = 0;
  return 0;
}

/* in .bss: no memory until a container writes output, and none again after shim_log_release () */
static char out_buf[LOG_OUT_SIZE] __attribute__ ((aligned (4096)));

void
shim_log_release (void)
{
  madvise (out_buf, sizeof (out_buf), MADV_DONTNEED);
}

int
shim_log_write_chunk (int fd, int stream, const char *data, size_t len, shim_error_t *err)
{
  char *buf = out_buf;
  log_out_t o = { .buf = buf, .cap = sizeof (out_buf), .used = 0, .flush = flush_to_fd, .ctx = &fd };
  struct timespec now;
  char ts[64], prefix[128];
  size_t plen;

  if (len == 0)
    return 0;
  clock_gettime (CLOCK_REALTIME, &now);
  shim_format_rfc3339nano (&now, ts, sizeof (ts));
  plen = make_prefix (ts, stream, prefix, sizeof (prefix));
  if (format_records (&o, prefix, plen, data, len) < 0 || flush_to_fd (&o) < 0)
    return shim_make_error (err, errno, "writing the container log");
  return 0;
}
