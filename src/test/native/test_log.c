/* test_log.c -- TAP tests of the k8s-file formatting (log.c) and the exit file (supervise.c). */
#define _GNU_SOURCE
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include "log.h"
#include "supervise.h"
#include "tap.h"

static void
test_time (void)
{
  char buf[64];
  struct timespec ts = { .tv_sec = 0, .tv_nsec = 0 };

  shim_format_rfc3339nano (&ts, buf, sizeof (buf));
  OK (STREQ (buf, "1970-01-01T00:00:00.000000000Z"), "epoch (%s)", buf);
  ts = (struct timespec){ .tv_sec = 1700000000, .tv_nsec = 123456789 };
  shim_format_rfc3339nano (&ts, buf, sizeof (buf));
  OK (STREQ (buf, "2023-11-14T22:13:20.123456789Z"), "nanoseconds kept (%s)", buf);
  ts.tv_nsec = 5;
  shim_format_rfc3339nano (&ts, buf, sizeof (buf));
  OK (STREQ (buf, "2023-11-14T22:13:20.000000005Z"), "fraction zero-padded to 9 digits (%s)", buf);
}

static void
test_chunks (void)
{
  const char *ts = "2023-11-14T22:13:20.123456789Z";
  char *out = NULL;
  size_t size = 0, n;

  n = shim_log_format_chunk (ts, SHIM_LOG_STDOUT, "hello\n", 6, &out, &size);
  OK (n == strlen (ts) + 16 && memcmp (out, "2023-11-14T22:13:20.123456789Z stdout F hello\n", n) == 0,
      "one full line -> one F record");
  n = shim_log_format_chunk (ts, SHIM_LOG_STDERR, "a\nb\n", 4, &out, &size);
  OK (n == 2 * (strlen (ts) + 12)
          && memcmp (out,
                     "2023-11-14T22:13:20.123456789Z stderr F a\n2023-11-14T22:13:20.123456789Z stderr F b\n",
                     n)
                 == 0,
      "two lines on stderr -> two F records");
  n = shim_log_format_chunk (ts, SHIM_LOG_STDOUT, "a\npart", 6, &out, &size);
  OK (n > 0 && strstr (out, "stdout F a\n") && memcmp (out + n - 14, "stdout P part\n", 14) == 0,
      "a trailing fragment is a P record");
  n = shim_log_format_chunk (ts, SHIM_LOG_STDOUT, "\n", 1, &out, &size);
  OK (n == strlen (ts) + 11 && memcmp (out + strlen (ts), " stdout F \n", 11) == 0,
      "an empty line is an empty F record");
  n = shim_log_format_chunk (ts, SHIM_LOG_STDOUT, "", 0, &out, &size);
  OK (n == 0, "nothing read -> no record");
  {
    char big[100000];
    memset (big, 'x', sizeof (big));
    n = shim_log_format_chunk (ts, SHIM_LOG_STDOUT, big, sizeof (big), &out, &size);
    OK (n == strlen (ts) + 11 + sizeof (big) && size >= n
            && memcmp (out + strlen (ts), " stdout P x", 11) == 0,
        "a 100000-byte chunk grows the buffer (one P record)");
  }
  free (out);
}

/* shim_log_write_chunk writes through a fixed 64 KiB buffer: records that straddle it stay whole. */
static void
test_write_chunk (void)
{
  char path[] = "/tmp/skiff-test-log-XXXXXX";
  int fd = mkstemp (path);
  size_t lines = 40000, i, n, ok_records = 0, len = 0;
  char *in = malloc (2 * lines), *big = malloc (200000), *out = NULL, *p;
  shim_error_t err = NULL;
  FILE *f;

  unlink (path);
  for (i = 0; i < lines; i++)
    memcpy (in + 2 * i, "a\n", 2);
  memset (big, 'x', 200000);
  OK (fd >= 0 && shim_log_write_chunk (fd, SHIM_LOG_STDOUT, in, 2 * lines, &err) == 0
          && shim_log_write_chunk (fd, SHIM_LOG_STDERR, big, 200000, &err) == 0,
      "40000 short lines and a 200000-byte fragment written");
  f = fdopen (dup (fd), "r");
  rewind (f);
  while (getline (&out, &len, f) > 0)
    {
      n = strlen (out);
      p = out + 30;
      if (n == 42 && memcmp (p, " stdout F a\n", 12) == 0)
        ok_records++;
      else if (n == 30 + 10 + 200000 + 1 && memcmp (p, " stderr P x", 11) == 0 && out[n - 2] == 'x')
        ok_records += 1000000;
    }
  OK (ok_records == 1000000 + lines, "every record whole across buffer flushes (%zu)", ok_records);
  fclose (f);
  close (fd);
  free (in);
  free (big);
  free (out);
}

static void
test_exit_status (void)
{
  char buf[256];
  struct timespec ts = { .tv_sec = 1700000000, .tv_nsec = 1 };

  shim_format_exit_status (3 << 8, &ts, buf, sizeof (buf));
  OK (STREQ (
          buf,
          "{\"exitCode\":3,\"signal\":0,\"oom\":false,\"finishedAt\":\"2023-11-14T22:13:20.000000001Z\"}\n"),
      "exit 3 -> exitCode 3, signal 0, finishedAt");
  shim_format_exit_status (SIGKILL, &ts, buf, sizeof (buf));
  OK (strncmp (buf, "{\"exitCode\":137,\"signal\":9,", 27) == 0, "killed by SIGKILL -> 137, signal 9");
  shim_format_exit_status_oom (SIGKILL, &ts, 2, buf, sizeof (buf));
  OK (STREQ (buf, "{\"exitCode\":137,\"signal\":9,\"oom\":true,\"oomKills\":2,"
                  "\"finishedAt\":\"2023-11-14T22:13:20.000000001Z\"}\n"),
      "OOM kills in the cgroup -> oom true, oomKills 2");
  shim_format_exit_status_oom (0, &ts, -1, buf, sizeof (buf));
  OK (strstr (buf, "\"oom\":false,\"finishedAt\"") != NULL, "no memory cgroup (-1) -> oom false, no oomKills");
}

int
main (void)
{
  test_time ();
  test_chunks ();
  test_write_chunk ();
  test_exit_status ();
  return tap_done ();
}
