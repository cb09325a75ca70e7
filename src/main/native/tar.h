/* tar.h -- the tar format for `skiff-shim archive` (archive.h): pure functions, no filesystem.
 *
 * Contract:
 *   - Reading: shim_tar_reader_next() returns the next entry of a POSIX/ustar, GNU or PAX stream:
 *     PAX 'x' records (path, linkpath, size, uid, gid, mtime) and GNU 'L'/'K' long names apply to
 *     the entry that follows them; PAX global headers ('g') are skipped; numbers may be octal or
 *     GNU base-256; every header's checksum is verified (unsigned or signed sum).  The end is two
 *     zero blocks, or EOF at a block boundary.  Sparse files, GNU.sparse PAX records, multi-volume
 *     and unknown entry types are EINVAL errors naming the entry; a stream that ends inside a
 *     header or its data is EIO ("unexpected end of the tar stream").  After an entry the caller
 *     reads its data with shim_tar_reader_data() (exactly `size` bytes; padding is skipped).
 *   - Writing: shim_tar_header_build() makes the header block(s) for one entry: a ustar header,
 *     preceded by a PAX 'x' header when the name or link name does not fit (100 bytes) or a number
 *     does not fit its octal field (size >= 8 GiB, ids >= 2^21).
 *   - Names: shim_tar_clean_name() turns an entry name into a relative path without ".", "..",
 *     empty components or leading/trailing slashes ("" = the extraction directory itself); a name
 *     that climbs above the extraction directory ("../x", "a/../../x") is -1 (the caller refuses
 *     the archive).  Leading slashes are dropped (as Docker and tar do).
 */
#ifndef SHIM_TAR_H
#define SHIM_TAR_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include "error.h"

#define SHIM_TAR_BLOCK 512

enum shim_tar_type_e
{
  SHIM_TAR_REG = '0',
  SHIM_TAR_LINK = '1',
  SHIM_TAR_SYMLINK = '2',
  SHIM_TAR_CHAR = '3',
  SHIM_TAR_BLOCK_DEV = '4',
  SHIM_TAR_DIR = '5',
  SHIM_TAR_FIFO = '6'
};

struct shim_tar_entry_s
{
  char type; /* one of shim_tar_type_e ('\0' and '7' are returned as '0') */
  char *name;     /* as in the archive (not cleaned) */
  char *linkname; /* symlink target / hard link target, "" when none */
  uint64_t size;  /* data bytes following the header (0 unless regular) */
  uint32_t mode;  /* permission bits incl. setuid/setgid/sticky */
  int64_t uid, gid;
  int64_t mtime_sec;
  long mtime_nsec;
  uint32_t devmajor, devminor;
};

/* The reader pulls from a callback (fd in the shim, memory in the tests). */
typedef ssize_t (*shim_tar_read_fn) (void *ctx, void *buf, size_t len);

struct shim_tar_reader_s
{
  shim_tar_read_fn read;
  void *ctx;
  unsigned char *buf;
  size_t buf_size, start, end; /* buffered bytes: buf[start, end) */
  int eof;
  uint64_t remaining; /* data bytes of the current entry not yet read */
  uint64_t padding;   /* padding after them */
  struct shim_tar_entry_s entry;
};
typedef struct shim_tar_reader_s shim_tar_reader_t;

void shim_tar_reader_init (shim_tar_reader_t *r, shim_tar_read_fn fn, void *ctx);
void shim_tar_reader_free (shim_tar_reader_t *r);
/* 1 = an entry in r->entry, 0 = end of the archive, -1 = error. */
int shim_tar_reader_next (shim_tar_reader_t *r, shim_error_t *err);
/* Reads up to len bytes of the current entry's data: bytes read, 0 at its end, -1 on error. */
ssize_t shim_tar_reader_data (shim_tar_reader_t *r, void *buf, size_t len, shim_error_t *err);

/* Builds the header block(s) of e into out (a multiple of 512 bytes, at most *out_len; PAX adds
   blocks); returns the length, or -1 when out is too small (ENOSPC). */
ssize_t shim_tar_header_build (const struct shim_tar_entry_s *e, unsigned char *out, size_t out_len,
                               shim_error_t *err);

/* Pure helpers (unit-tested). */
int shim_tar_parse_number (const unsigned char *field, size_t len, int64_t *out);
int shim_tar_checksum_ok (const unsigned char block[SHIM_TAR_BLOCK]);
/* Applies PAX records data[0, len) to e; -1 on a malformed or unsupported record. */
int shim_tar_apply_pax (struct shim_tar_entry_s *e, const char *data, size_t len, shim_error_t *err);
/* Cleaned relative name (malloc'd) or NULL when the name escapes. */
char *shim_tar_clean_name (const char *name);

#endif
