/* test_archive.c -- TAP tests for the pure parts of `skiff-shim archive`: tar headers (tar.h),
 * name cleaning, Go file modes, renames (archive.h). */
#define _GNU_SOURCE
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "archive.h"
#include "tar.h"
#include "utils.h"
#include "tap.h"

struct mem_s
{
  const unsigned char *data;
  size_t len, pos, chunk; /* chunk: at most this many bytes per read (short reads) */
};

static ssize_t
mem_read (void *ctx, void *buf, size_t len)
{
  struct mem_s *m = ctx;
  size_t n = m->len - m->pos;

  if (n > len)
    n = len;
  if (m->chunk && n > m->chunk)
    n = m->chunk;
  memcpy (buf, m->data + m->pos, n);
  m->pos += n;
  return (ssize_t)n;
}

/* Appends the header(s) of e and its data (padded) to buf. */
static size_t
append_entry (unsigned char *buf, size_t at, struct shim_tar_entry_s *e, const char *data)
{
  shim_error_t err = NULL;
  ssize_t n = shim_tar_header_build (e, buf + at, 8192, &err);

  if (n < 0)
    return at;
  at += (size_t)n;
  if (data)
    {
      memcpy (buf + at, data, e->size);
      at += (e->size + 511) / 512 * 512;
    }
  return at;
}

static void
test_clean_name (void)
{
  char *s;

  OK (STREQ ((s = shim_tar_clean_name ("a/b/c")), "a/b/c"), "plain name kept");
  free (s);
  OK (STREQ ((s = shim_tar_clean_name ("/etc/passwd")), "etc/passwd"), "leading slash dropped");
  free (s);
  OK (STREQ ((s = shim_tar_clean_name ("./a//b/./c/")), "a/b/c"), "dots, empty parts and trailing slash go");
  free (s);
  OK (STREQ ((s = shim_tar_clean_name ("a/../b")), "b"), "a/../b stays inside");
  free (s);
  OK (STREQ ((s = shim_tar_clean_name (".")), ""), ". is the directory itself");
  free (s);
  OK (shim_tar_clean_name ("../x") == NULL, "../x escapes");
  OK (shim_tar_clean_name ("a/../../x") == NULL, "a/../../x escapes");
  OK (shim_tar_clean_name ("/../etc") == NULL, "/../etc escapes");
}

static void
test_numbers (void)
{
  int64_t v = -1;
  unsigned char octal[12] = "00000000644", spaces[8] = "  755 \0", b256[12] = { 0x80, 0, 0, 0, 0, 0, 0, 2, 0, 0, 0, 0 };
  unsigned char bad[8] = "12x4567";

  OK (shim_tar_parse_number (octal, 12, &v) == 0 && v == 0644, "octal with NUL");
  OK (shim_tar_parse_number (spaces, 8, &v) == 0 && v == 0755, "octal with spaces");
  OK (shim_tar_parse_number (b256, 12, &v) == 0 && v == 2LL << 32, "GNU base-256");
  OK (shim_tar_parse_number (bad, 8, &v) < 0, "garbage refused");
}

static void
test_roundtrip (void)
{
  unsigned char *buf = calloc (1, 65536);
  char longname[300];
  struct shim_tar_entry_s e1 = { .type = SHIM_TAR_REG, .name = (char *)"dir/file.txt", .linkname = (char *)"",
                                 .size = 5, .mode = 04755, .uid = 1000, .gid = 100, .mtime_sec = 1700000000 };
  struct shim_tar_entry_s e2 = { .type = SHIM_TAR_SYMLINK, .linkname = (char *)"../target", .mode = 0777,
                                 .uid = 3000000, .gid = 0, .mtime_sec = 1 };
  struct shim_tar_entry_s e3 = { .type = SHIM_TAR_DIR, .name = (char *)"dir/", .linkname = (char *)"", .mode = 0700 };
  shim_tar_reader_t r;
  shim_error_t err = NULL;
  struct mem_s m = { 0 };
  char data[16];
  size_t at = 0;
  int got;

  memset (longname, 'n', sizeof (longname) - 1);
  longname[sizeof (longname) - 1] = '\0';
  e2.name = longname;
  at = append_entry (buf, at, &e1, "hello");
  at = append_entry (buf, at, &e2, NULL);
  at = append_entry (buf, at, &e3, NULL);
  OK (shim_tar_checksum_ok (buf), "the header's checksum verifies");
  at += 1024; /* end marker */
  m = (struct mem_s){ buf, at, 0, 100 };
  shim_tar_reader_init (&r, mem_read, &m);
  got = shim_tar_reader_next (&r, &err);
  OK (got == 1 && STREQ (r.entry.name, "dir/file.txt") && r.entry.type == SHIM_TAR_REG && r.entry.size == 5
          && r.entry.mode == 04755 && r.entry.uid == 1000 && r.entry.gid == 100 && r.entry.mtime_sec == 1700000000,
      "regular file read back with mode (setuid), owner, time");
  OK (shim_tar_reader_data (&r, data, sizeof (data), &err) == 5 && memcmp (data, "hello", 5) == 0, "its data");
  got = shim_tar_reader_next (&r, &err);
  OK (got == 1 && r.entry.type == SHIM_TAR_SYMLINK && strlen (r.entry.name) == 299
          && STREQ (r.entry.linkname, "../target") && r.entry.uid == 3000000,
      "PAX long name and large uid read back");
  got = shim_tar_reader_next (&r, &err); /* the data of entry 1 was read; entry 2 had none */
  OK (got == 1 && r.entry.type == SHIM_TAR_DIR && STREQ (r.entry.name, "dir/"), "directory");
  OK (shim_tar_reader_next (&r, &err) == 0, "end marker ends the archive");
  shim_tar_reader_free (&r);

  /* unread data is skipped; EOF without the end marker ends it too */
  m = (struct mem_s){ buf, at - 1024, 0, 0 };
  shim_tar_reader_init (&r, mem_read, &m);
  OK (shim_tar_reader_next (&r, &err) == 1 && shim_tar_reader_next (&r, &err) == 1
          && shim_tar_reader_next (&r, &err) == 1 && shim_tar_reader_next (&r, &err) == 0,
      "unread data skipped, EOF at a block boundary ends");
  shim_tar_reader_free (&r);

  /* truncated inside the data */
  m = (struct mem_s){ buf, 514, 0, 0 };
  shim_tar_reader_init (&r, mem_read, &m);
  got = shim_tar_reader_next (&r, &err);
  OK (got == 1 && shim_tar_reader_data (&r, data, sizeof (data), &err) == 2
          && shim_tar_reader_data (&r, data, sizeof (data), &err) < 0 && err && err->status == EIO,
      "truncated data is EIO");
  shim_error_release (&err);
  shim_tar_reader_free (&r);

  /* a corrupted header */
  buf[0] ^= 1;
  m = (struct mem_s){ buf, at, 0, 0 };
  shim_tar_reader_init (&r, mem_read, &m);
  OK (shim_tar_reader_next (&r, &err) < 0 && err && err->status == EINVAL && strstr (err->msg, "checksum"),
      "bad checksum refused");
  shim_error_release (&err);
  shim_tar_reader_free (&r);
  free (buf);
}

static void
test_pax (void)
{
  struct shim_tar_entry_s e = { 0 };
  shim_error_t err = NULL;
  const char *recs = "30 mtime=1700000000.123456789\n17 path=x/y/zzzz\n11 size=99\n";
  const char *sparse = "22 GNU.sparse.major=1\n";

  e.name = xstrdup ("short");
  OK (shim_tar_apply_pax (&e, recs, strlen (recs), &err) == 0 && STREQ (e.name, "x/y/zzzz") && e.size == 99
          && e.mtime_sec == 1700000000 && e.mtime_nsec == 123456789,
      "PAX path, size and fractional mtime");
  OK (shim_tar_apply_pax (&e, "5 a=b\n", 6, &err) < 0, "a record whose length is wrong is refused");
  shim_error_release (&err);
  OK (shim_tar_apply_pax (&e, sparse, strlen (sparse), &err) < 0 && err && strstr (err->msg, "sparse"),
      "sparse files refused");
  shim_error_release (&err);
  free (e.name);
}

static void
test_helpers (void)
{
  char *s;
  char *renames[] = { (char *)"a.txt=b.txt", (char *)"dir=newdir" };

  OK (shim_go_file_mode (S_IFDIR | 0755) == ((1u << 31) | 0755), "directory: ModeDir");
  OK (shim_go_file_mode (S_IFLNK | 0777) == ((1u << 27) | 0777), "symlink: ModeSymlink");
  OK (shim_go_file_mode (S_IFCHR | 0620) == ((1u << 26) | (1u << 21) | 0620), "char device: ModeDevice|ModeCharDevice");
  OK (shim_go_file_mode (S_IFREG | 04755) == ((1u << 23) | 0755), "setuid: ModeSetuid");
  OK (shim_go_file_mode (S_IFREG | 0644) == 0644, "regular file: permission bits only");
  OK (STREQ ((s = shim_archive_base ("/etc/")), "etc"), "base of /etc/");
  free (s);
  OK (STREQ ((s = shim_archive_base ("/etc/.")), "."), "base of /etc/.");
  free (s);
  OK (STREQ ((s = shim_archive_base ("/")), "/"), "base of /");
  free (s);
  OK (STREQ ((s = shim_archive_rename ("a.txt", renames, 2)), "b.txt"), "rename of a file");
  free (s);
  OK (STREQ ((s = shim_archive_rename ("dir/sub/f", renames, 2)), "newdir/sub/f"), "rename of a directory's entries");
  free (s);
  OK (STREQ ((s = shim_archive_rename ("directory/f", renames, 2)), "directory/f"), "a longer name is not renamed");
  free (s);
}

int
main (void)
{
  test_clean_name ();
  test_numbers ();
  test_roundtrip ();
  test_pax ();
  test_helpers ();
  return tap_done ();
}
