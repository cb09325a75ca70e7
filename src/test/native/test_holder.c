/* test_holder.c -- TAP tests of the namespace holder's pure logic (holder.c): ID map parsing, the
 * translation of a container's host IDs into holder IDs, the pid file record and its validation. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include "holder.h"
#include "tap.h"
#include "utils.h"

#define R(a, b, c) ((struct shim_id_range_s){ (a), (b), (c) })

static int
same (const struct shim_id_range_s *a, const struct shim_id_range_s *b, int n)
{
  int i;

  for (i = 0; i < n; i++)
    if (a[i].inside != b[i].inside || a[i].outside != b[i].outside || a[i].count != b[i].count)
      return 0;
  return 1;
}

static void
test_parse (void)
{
  struct shim_id_range_s r[4];
  int n;

  n = shim_id_ranges_parse_proc ("         0       1001          1\n         1     100000      65536\n", r, 4);
  OK (n == 2 && same (r, (struct shim_id_range_s[]){ R (0, 1001, 1), R (1, 100000, 65536) }, 2),
      "a /proc uid_map with two lines parses (%d)", n);
  OK (shim_id_ranges_parse_proc ("", r, 4) == -1, "an empty (unwritten) map is -1");
  OK (shim_id_ranges_parse_proc ("0 1001\n", r, 4) == -1, "a line without a count is -1");
  OK (shim_id_ranges_parse_proc ("0 1001 0\n", r, 4) == -1, "a zero count is -1");
  OK (shim_id_ranges_parse_proc ("0 1 1\n1 2 1\n2 3 1\n3 4 1\n4 5 1\n", r, 4) == -1, "more lines than room is -1");
  n = shim_id_ranges_parse_list ("0:1001:1,1:100000:65536", r, 4);
  OK (n == 2 && same (r, (struct shim_id_range_s[]){ R (0, 1001, 1), R (1, 100000, 65536) }, 2),
      "a list a:b:c,d:e:f parses");
  OK (shim_id_ranges_parse_list ("0:1001", r, 4) == -1, "a list entry without a count is -1");
  OK (shim_id_ranges_parse_list ("0:-1:1", r, 4) == -1, "a negative ID is -1");
  OK (shim_id_ranges_parse_list ("0:1:1;", r, 4) == -1, "trailing garbage is -1");
  OK (shim_id_ranges_parse_list ("0:4294967295:1", r, 4) == -1, "ID 4294967295 (-1) is -1");
}

static void
test_translate (void)
{
  const struct shim_id_range_s holder[] = { R (0, 1001, 1), R (1, 100000, 65536) };
  struct shim_id_range_s out[8];
  shim_error_t err = NULL;
  int n;

  /* the daemon's default container map */
  n = shim_id_translate (holder, 2, (struct shim_id_range_s[]){ R (0, 1001, 1), R (1, 100000, 65535) }, 2, out, 8,
                         &err);
  OK (n == 2 && same (out, (struct shim_id_range_s[]){ R (0, 0, 1), R (1, 1, 65535) }, 2),
      "0 1001 1, 1 100000 65535 -> 0 0 1, 1 1 65535");
  /* a range crossing the holder's pieces is split */
  n = shim_id_translate ((struct shim_id_range_s[]){ R (0, 1001, 1), R (1, 100000, 10), R (11, 200000, 10) }, 3,
                         (struct shim_id_range_s[]){ R (0, 100005, 5) }, 1, out, 8, &err);
  OK (n == 1 && same (out, (struct shim_id_range_s[]){ R (0, 6, 5) }, 1), "a range inside one piece: 0 6 5");
  n = shim_id_translate ((struct shim_id_range_s[]){ R (0, 100000, 10), R (10, 100010, 10) }, 2,
                         (struct shim_id_range_s[]){ R (0, 100005, 10) }, 1, out, 8, &err);
  OK (n == 2 && same (out, (struct shim_id_range_s[]){ R (0, 5, 5), R (5, 10, 5) }, 2),
      "a range across two holder pieces is split at the boundary");
  /* an auto-userns style sub-range */
  n = shim_id_translate (holder, 2, (struct shim_id_range_s[]){ R (0, 110000, 1024) }, 1, out, 8, &err);
  OK (n == 1 && same (out, (struct shim_id_range_s[]){ R (0, 10001, 1024) }, 1), "0 110000 1024 -> 0 10001 1024");
  n = shim_id_translate (holder, 2, (struct shim_id_range_s[]){ R (0, 165000, 1000) }, 1, out, 8, &err);
  OK (n == -1 && err && err->status == EPERM && strstr (err->msg, "165536"),
      "a range running past the holder is EPERM naming the first unmapped ID (%s)", err ? err->msg : "");
  shim_error_release (&err);
  n = shim_id_translate (holder, 2, (struct shim_id_range_s[]){ R (0, 0, 1) }, 1, out, 8, &err);
  OK (n == -1 && err && err->status == EPERM, "host root is not mapped: EPERM");
  shim_error_release (&err);
  n = shim_id_translate ((struct shim_id_range_s[]){ R (0, 100, 1), R (1, 101, 1), R (2, 102, 1) }, 3,
                         (struct shim_id_range_s[]){ R (0, 100, 3) }, 1, out, 2, &err);
  OK (n == -1 && err && err->status == E2BIG, "more pieces than room is E2BIG");
  shim_error_release (&err);
}

static void
test_record (void)
{
  struct shim_holder_record_s rec;
  char comm[32];
  unsigned long long start = 0;

  OK (shim_holder_record_parse ("13002 1937498 4026532322\n", &rec) == 0 && rec.pid == 13002
          && rec.start_time == 1937498 && rec.userns == 4026532322ULL,
      "a pid file record parses");
  OK (shim_holder_record_parse ("13002 1937498\n", &rec) == -1, "a record without the inode is -1");
  OK (shim_holder_record_parse ("1 5 6\n", &rec) == -1, "pid 1 is never a holder");
  OK (shim_holder_record_parse ("12 5 6 7\n", &rec) == -1, "extra fields are -1");
  OK (shim_holder_record_parse ("", &rec) == -1, "an empty file is -1");

  OK (shim_proc_stat_parse ("42 (skiff-holder) S 1 42 42 0 -1 4194560 95 0 0 0 0 0 0 0 20 0 1 0 1937498 2461696 "
                            "270 18446744073709551615\n",
                            comm, sizeof (comm), &start)
          == 0
          && STREQ (comm, "skiff-holder") && start == 1937498,
      "a stat line gives comm and field 22 (start time)");
  OK (shim_proc_stat_parse ("42 (a) b) c) S 1 42 42 0 -1 4194560 95 0 0 0 0 0 0 0 20 0 1 0 777 2461696\n", comm,
                            sizeof (comm), &start)
          == 0
          && STREQ (comm, "a) b) c") && start == 777,
      "a comm with spaces and parentheses does not shift the fields");
  OK (shim_proc_stat_parse ("42 (x) S 1 2 3\n", comm, sizeof (comm), &start) == -1, "a short line is -1");

  rec = (struct shim_holder_record_s){ 42, 777, 99 };
  OK (shim_holder_record_mismatch (&rec, "skiff-holder", 777, 99, 1001, 1001, 1) == NULL, "the recorded holder matches");
  OK (shim_holder_record_mismatch (&rec, "bash", 777, 99, 1001, 1001, 1) != NULL, "another program: mismatch");
  OK (shim_holder_record_mismatch (&rec, "skiff-holder", 778, 99, 1001, 1001, 1) != NULL,
      "a reused pid (other start time): mismatch");
  OK (shim_holder_record_mismatch (&rec, "skiff-holder", 777, 98, 1001, 1001, 1) != NULL,
      "another user namespace: mismatch");
  OK (shim_holder_record_mismatch (&rec, "skiff-holder", 777, 99, 0, 1001, 1) != NULL,
      "a namespace owned by another user: mismatch");
  OK (shim_holder_record_mismatch (&rec, "skiff-holder", 777, 99, 1001, 1001, 0) != NULL,
      "a namespace that is not our child: mismatch");
}

/* shim_holder_open on real processes: not a holder, and gone. */
static void
test_open (void)
{
  char path[] = "/tmp/shim-holder-XXXXXX", line[64];
  shim_holder_t *h = NULL;
  shim_error_t err = NULL;
  int fd = mkstemp (path), status;
  pid_t child;

  if (fd < 0)
    return;
  snprintf (line, sizeof (line), "%d 1 1\n", (int)getpid ());
  OK (write (fd, line, strlen (line)) > 0, "pid file naming this test");
  close (fd);
  OK (shim_holder_open (path, &h, &err) == -1 && err && err->status == ESRCH && strstr (err->msg, "another program"),
      "a live process that is not a holder is refused (%s)", err ? err->msg : "");
  shim_error_release (&err);

  child = fork ();
  if (child == 0)
    _exit (0);
  waitpid (child, &status, 0);
  fd = open (path, O_WRONLY | O_TRUNC | O_CLOEXEC);
  snprintf (line, sizeof (line), "%d 1 1\n", (int)child);
  OK (fd >= 0 && write (fd, line, strlen (line)) > 0, "pid file naming a reaped child");
  close (fd);
  OK (shim_holder_open (path, &h, &err) == -1 && err && err->status == ESRCH && strstr (err->msg, "gone"),
      "a dead pid is refused as gone (%s)", err ? err->msg : "");
  shim_error_release (&err);

  fd = open (path, O_WRONLY | O_TRUNC | O_CLOEXEC);
  OK (fd >= 0 && write (fd, "garbage\n", 8) == 8, "pid file with garbage");
  close (fd);
  OK (shim_holder_open (path, &h, &err) == -1 && err && err->status == EINVAL, "garbage is EINVAL");
  shim_error_release (&err);
  unlink (path);
  OK (shim_holder_open (path, &h, &err) == -1 && err && err->status == ENOENT, "a missing pid file is ENOENT");
  shim_error_release (&err);
  OK (shim_holder_current () == NULL && shim_holder_join (&err) == 0, "no registered holder: joining is a no-op");
}

int
main (void)
{
  test_parse ();
  test_translate ();
  test_record ();
  test_open ();
  return tap_done ();
}
