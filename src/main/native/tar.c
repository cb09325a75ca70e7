/* tar.c -- reading and writing tar headers (see tar.h). */
#define _GNU_SOURCE
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tar.h"
#include "utils.h"

#define READ_BUF (256 * 1024)
#define MAX_META (1024 * 1024) /* PAX / GNU long-name data kept in memory */

void
shim_tar_reader_init (shim_tar_reader_t *r, shim_tar_read_fn fn, void *ctx)
{
  memset (r, 0, sizeof (*r));
  r->read = fn;
  r->ctx = ctx;
  r->buf_size = READ_BUF;
  r->buf = xmalloc (r->buf_size);
}

static void
entry_clear (struct shim_tar_entry_s *e)
{
  free (e->name);
  free (e->linkname);
  memset (e, 0, sizeof (*e));
}

void
shim_tar_reader_free (shim_tar_reader_t *r)
{
  entry_clear (&r->entry);
  free (r->buf);
  r->buf = NULL;
}

/* Makes at least `want` bytes available (fewer only at EOF); -1 on a read error. */
static int
fill (shim_tar_reader_t *r, size_t want)
{
  if (r->end - r->start >= want || r->eof)
    return 0;
  if (r->start > 0)
    {
      memmove (r->buf, r->buf + r->start, r->end - r->start);
      r->end -= r->start;
      r->start = 0;
    }
  while (r->end < want && !r->eof)
    {
      ssize_t n = r->read (r->ctx, r->buf + r->end, r->buf_size - r->end);
      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        return -1;
      if (n == 0)
        r->eof = 1;
      r->end += (size_t)n;
    }
  return 0;
}

/* Reads exactly len bytes: 1, or 0 at EOF before the first byte, -1 with err. */
static int
read_exact (shim_tar_reader_t *r, void *dst, size_t len, shim_error_t *err)
{
  size_t done = 0;

  while (done < len)
    {
      size_t n;
      if (fill (r, len - done < r->buf_size ? len - done : r->buf_size) < 0)
        return shim_make_error (err, errno, "reading the tar stream");
      n = r->end - r->start;
      if (n == 0)
        {
          if (done == 0)
            return 0;
          return shim_make_error (err, EIO, "unexpected end of the tar stream");
        }
      if (n > len - done)
        n = len - done;
      memcpy ((char *)dst + done, r->buf + r->start, n);
      r->start += n;
      done += n;
    }
  return 1;
}

static int
skip (shim_tar_reader_t *r, uint64_t len, shim_error_t *err)
{
  while (len > 0)
    {
      size_t n;
      if (fill (r, 1) < 0)
        return shim_make_error (err, errno, "reading the tar stream");
      n = r->end - r->start;
      if (n == 0)
        return shim_make_error (err, EIO, "unexpected end of the tar stream");
      if (n > len)
        n = (size_t)len;
      r->start += n;
      len -= n;
    }
  return 0;
}

int
shim_tar_parse_number (const unsigned char *field, size_t len, int64_t *out)
{
  uint64_t v = 0;
  size_t i = 0;

  if (len > 0 && (field[0] & 0x80))
    {
      if (field[0] & 0x40) /* negative base-256 */
        return -1;
      v = field[0] & 0x3f;
      for (i = 1; i < len; i++)
        {
          if (v >> 55)
            return -1;
          v = (v << 8) | field[i];
        }
      *out = (int64_t)v;
      return 0;
    }
  while (i < len && (field[i] == ' ' || field[i] == '\0'))
    i++;
  for (; i < len && field[i] >= '0' && field[i] <= '7'; i++)
    {
      if (v >> 60)
        return -1;
      v = v * 8 + (uint64_t)(field[i] - '0');
    }
  for (; i < len; i++)
    if (field[i] != ' ' && field[i] != '\0')
      return -1;
  *out = (int64_t)v;
  return 0;
}

int
shim_tar_checksum_ok (const unsigned char block[SHIM_TAR_BLOCK])
{
  int64_t want;
  unsigned long usum = 0;
  long ssum = 0;
  int i;

  if (shim_tar_parse_number (block + 148, 8, &want) < 0)
    return 0;
  for (i = 0; i < SHIM_TAR_BLOCK; i++)
    {
      unsigned char b = (i >= 148 && i < 156) ? ' ' : block[i];
      usum += b;
      ssum += (signed char)b;
    }
  return (int64_t)usum == want || (int64_t)ssum == want;
}

static char *
field_string (const unsigned char *f, size_t len)
{
  size_t n = strnlen ((const char *)f, len);
  char *s = xmalloc (n + 1);
  memcpy (s, f, n);
  s[n] = '\0';
  return s;
}

static int
parse_decimal (const char *s, size_t len, int64_t *out)
{
  int64_t v = 0;
  size_t i;

  if (len == 0)
    return -1;
  for (i = 0; i < len; i++)
    {
      if (s[i] < '0' || s[i] > '9' || v > (INT64_MAX - 9) / 10)
        return -1;
      v = v * 10 + (s[i] - '0');
    }
  *out = v;
  return 0;
}

/* "SECONDS[.FRACTION]", possibly negative. */
static int
parse_pax_time (const char *s, size_t len, int64_t *sec, long *nsec)
{
  const char *dot = memchr (s, '.', len);
  size_t ilen = dot ? (size_t)(dot - s) : len;
  int neg = len > 0 && s[0] == '-';
  long ns = 0;
  size_t i;

  if (parse_decimal (s + neg, ilen - (size_t)neg, sec) < 0)
    return -1;
  if (dot)
    for (i = 1; i < 10; i++)
      ns = ns * 10 + ((size_t)(dot - s) + i < len && dot[i] >= '0' && dot[i] <= '9' ? dot[i] - '0' : 0);
  if (neg)
    {
      *sec = -*sec;
      if (ns)
        {
          *sec -= 1;
          ns = 1000000000L - ns;
        }
    }
  *nsec = ns;
  return 0;
}

int
shim_tar_apply_pax (struct shim_tar_entry_s *e, const char *data, size_t len, shim_error_t *err)
{
  size_t pos = 0;

  while (pos < len)
    {
      int64_t rec_len;
      const char *sp = memchr (data + pos, ' ', len - pos), *eq, *key, *val;
      size_t klen, vlen;

      if (sp == NULL || parse_decimal (data + pos, (size_t)(sp - (data + pos)), &rec_len) < 0
          || rec_len <= sp - (data + pos) + 1 || (uint64_t)rec_len > len - pos || data[pos + rec_len - 1] != '\n')
        return shim_make_error (err, EINVAL, "malformed PAX header record");
      key = sp + 1;
      eq = memchr (key, '=', (size_t)(data + pos + rec_len - 1 - key));
      if (eq == NULL)
        return shim_make_error (err, EINVAL, "malformed PAX header record");
      klen = (size_t)(eq - key);
      val = eq + 1;
      vlen = (size_t)(data + pos + rec_len - 1 - val);
#define KEY(k) (klen == strlen (k) && memcmp (key, k, klen) == 0)
      if (KEY ("path") || KEY ("linkpath"))
        {
          char **dst = KEY ("path") ? &e->name : &e->linkname;
          if (memchr (val, '\0', vlen))
            return shim_make_error (err, EINVAL, "PAX %.*s contains a NUL byte", (int)klen, key);
          free (*dst);
          *dst = xmalloc (vlen + 1);
          memcpy (*dst, val, vlen);
          (*dst)[vlen] = '\0';
        }
      else if (KEY ("size") || KEY ("uid") || KEY ("gid"))
        {
          int64_t v;
          if (parse_decimal (val, vlen, &v) < 0)
            return shim_make_error (err, EINVAL, "PAX %.*s `%.*s` is not a number", (int)klen, key, (int)vlen, val);
          if (KEY ("size"))
            e->size = (uint64_t)v;
          else if (KEY ("uid"))
            e->uid = v;
          else
            e->gid = v;
        }
      else if (KEY ("mtime"))
        {
          if (parse_pax_time (val, vlen, &e->mtime_sec, &e->mtime_nsec) < 0)
            return shim_make_error (err, EINVAL, "PAX mtime `%.*s` is not a time", (int)vlen, val);
        }
      else if (klen > 11 && memcmp (key, "GNU.sparse.", 11) == 0)
        return shim_make_error (err, EINVAL, "sparse files in the tar stream are not supported");
#undef KEY
      pos += (size_t)rec_len;
    }
  return 0;
}

static int
is_zero_block (const unsigned char *b)
{
  int i;
  for (i = 0; i < SHIM_TAR_BLOCK; i++)
    if (b[i])
      return 0;
  return 1;
}

/* Reads the data of a meta entry (PAX, GNU long name) into a NUL-terminated buffer. */
static char *
read_meta (shim_tar_reader_t *r, int64_t size, shim_error_t *err)
{
  char *data;

  if (size < 0 || size > MAX_META)
    return shim_make_error (err, EINVAL, "tar metadata entry of %lld bytes is too large", (long long)size), NULL;
  data = xmalloc ((size_t)size + 1);
  if (read_exact (r, data, (size_t)size, err) <= 0
      || skip (r, (SHIM_TAR_BLOCK - (uint64_t)size % SHIM_TAR_BLOCK) % SHIM_TAR_BLOCK, err) < 0)
    {
      if (*err == NULL)
        shim_make_error (err, EIO, "unexpected end of the tar stream");
      free (data);
      return NULL;
    }
  data[size] = '\0';
  return data;
}

static int
header_fields (struct shim_tar_entry_s *e, const unsigned char *b, shim_error_t *err)
{
  int64_t mode, uid, gid, size, mtime, maj, min;
  char type = (char)b[156];

  if (shim_tar_parse_number (b + 100, 8, &mode) < 0 || shim_tar_parse_number (b + 108, 8, &uid) < 0
      || shim_tar_parse_number (b + 116, 8, &gid) < 0 || shim_tar_parse_number (b + 124, 12, &size) < 0
      || shim_tar_parse_number (b + 136, 12, &mtime) < 0 || shim_tar_parse_number (b + 329, 8, &maj) < 0
      || shim_tar_parse_number (b + 337, 8, &min) < 0)
    return shim_make_error (err, EINVAL, "malformed number in the tar header of `%.100s`", (const char *)b);
  if (type == '\0' || type == '7')
    type = SHIM_TAR_REG;
  e->type = type;
  e->mode = (uint32_t)mode & 07777;
  e->uid = uid;
  e->gid = gid;
  e->size = (uint64_t)size;
  e->mtime_sec = mtime;
  e->devmajor = (uint32_t)maj;
  e->devminor = (uint32_t)min;
  if (memcmp (b + 257, "ustar\0", 6) == 0 && b[345] != '\0')
    {
      cleanup_free char *prefix = field_string (b + 345, 155), *name = field_string (b, 100);
      xasprintf (&e->name, "%s/%s", prefix, name);
    }
  else
    e->name = field_string (b, 100);
  e->linkname = field_string (b + 157, 100);
  return 0;
}

int
shim_tar_reader_next (shim_tar_reader_t *r, shim_error_t *err)
{
  unsigned char b[SHIM_TAR_BLOCK];
  cleanup_free char *pax = NULL, *long_name = NULL, *long_link = NULL;
  int64_t pax_len = 0;

  if (skip (r, r->remaining + r->padding, err) < 0)
    return -1;
  r->remaining = r->padding = 0;
  entry_clear (&r->entry);
  for (;;)
    {
      int64_t size;
      char type;
      int got = read_exact (r, b, SHIM_TAR_BLOCK, err);

      if (got < 0)
        return -1;
      if (got == 0)
        return 0; /* EOF at a block boundary */
      if (is_zero_block (b))
        return 0; /* the end marker (the second zero block is not required) */
      if (!shim_tar_checksum_ok (b))
        return shim_make_error (err, EINVAL, "invalid tar header checksum (not a tar stream?)");
      type = (char)b[156];
      if (shim_tar_parse_number (b + 124, 12, &size) < 0)
        return shim_make_error (err, EINVAL, "malformed size in the tar header of `%.100s`", (const char *)b);
      if (type == 'x' || type == 'g' || type == 'L' || type == 'K')
        {
          char *data = read_meta (r, size, err);
          if (data == NULL)
            return -1;
          if (type == 'x')
            {
              free (pax);
              pax = data;
              pax_len = size;
            }
          else if (type == 'L')
            {
              free (long_name);
              long_name = data;
            }
          else if (type == 'K')
            {
              free (long_link);
              long_link = data;
            }
          else
            free (data); /* global PAX header: ignored, as Podman does */
          continue;
        }
      if (header_fields (&r->entry, b, err) < 0)
        return -1;
      if (long_name)
        {
          free (r->entry.name);
          r->entry.name = long_name;
          long_name = NULL;
        }
      if (long_link)
        {
          free (r->entry.linkname);
          r->entry.linkname = long_link;
          long_link = NULL;
        }
      if (pax && shim_tar_apply_pax (&r->entry, pax, (size_t)pax_len, err) < 0)
        return shim_error_wrap (err, "entry `%s`", r->entry.name);
      if (strchr ("0123456", r->entry.type) == NULL || r->entry.type == '\0')
        return shim_make_error (err, EINVAL, "entry `%s`: unsupported tar entry type `%c`", r->entry.name,
                                r->entry.type);
      r->remaining = r->entry.size;
      r->padding = (SHIM_TAR_BLOCK - r->entry.size % SHIM_TAR_BLOCK) % SHIM_TAR_BLOCK;
      if (r->entry.type != SHIM_TAR_REG)
        r->entry.size = 0; /* data of other types (old archives) is skipped */
      return 1;
    }
}

ssize_t
shim_tar_reader_data (shim_tar_reader_t *r, void *buf, size_t len, shim_error_t *err)
{
  size_t n;

  if (r->remaining == 0)
    return 0;
  if (len > r->remaining)
    len = (size_t)r->remaining;
  if (r->end == r->start && len >= r->buf_size / 2 && !r->eof)
    {
      ssize_t got;
      do
        got = r->read (r->ctx, buf, len);
      while (got < 0 && errno == EINTR);
      if (got < 0)
        return shim_make_error (err, errno, "reading the tar stream");
      if (got == 0)
        return shim_make_error (err, EIO, "unexpected end of the tar stream in `%s`", r->entry.name);
      r->remaining -= (uint64_t)got;
      return got;
    }
  if (fill (r, 1) < 0)
    return shim_make_error (err, errno, "reading the tar stream");
  n = r->end - r->start;
  if (n == 0)
    return shim_make_error (err, EIO, "unexpected end of the tar stream in `%s`", r->entry.name);
  if (n > len)
    n = len;
  memcpy (buf, r->buf + r->start, n);
  r->start += n;
  r->remaining -= n;
  return (ssize_t)n;
}

/* ---- writing ---------------------------------------------------------------------------------- */

static void
put_octal (unsigned char *field, size_t len, uint64_t v)
{
  /* len-1 digits, zero padded, then NUL */
  char tmp[32];
  snprintf (tmp, sizeof (tmp), "%0*" PRIo64, (int)(len - 1), v);
  memcpy (field, tmp, len - 1);
  field[len - 1] = '\0';
}

static int
fits_octal (uint64_t v, size_t len)
{
  return v < ((uint64_t)1 << (3 * (len - 1)));
}

static size_t
digits (size_t n)
{
  size_t d = 1;
  while (n >= 10)
    {
      n /= 10;
      d++;
    }
  return d;
}

/* Appends one "LEN key=value\n" record. */
static void
pax_add (char **buf, size_t *len, const char *key, const char *value)
{
  size_t body = 1 + strlen (key) + 1 + strlen (value) + 1, total = body + 1;
  char *rec;

  while (digits (total) + body != total)
    total = digits (total) + body;
  xasprintf (&rec, "%zu %s=%s\n", total, key, value);
  *buf = xrealloc (*buf, *len + total + 1);
  memcpy (*buf + *len, rec, total);
  *len += total;
  free (rec);
}

static void
checksum (unsigned char *b)
{
  unsigned long sum = 0;
  int i;

  memset (b + 148, ' ', 8);
  for (i = 0; i < SHIM_TAR_BLOCK; i++)
    sum += b[i];
  snprintf ((char *)b + 148, 8, "%06lo", sum);
  b[155] = ' ';
}

static void
ustar_block (unsigned char *b, const char *name, char type, const struct shim_tar_entry_s *e, uint64_t size,
             const char *linkname)
{
  memset (b, 0, SHIM_TAR_BLOCK);
  strncpy ((char *)b, name, 100);
  put_octal (b + 100, 8, e->mode & 07777);
  put_octal (b + 108, 8, e->uid >= 0 && fits_octal ((uint64_t)e->uid, 8) ? (uint64_t)e->uid : 0);
  put_octal (b + 116, 8, e->gid >= 0 && fits_octal ((uint64_t)e->gid, 8) ? (uint64_t)e->gid : 0);
  put_octal (b + 124, 12, fits_octal (size, 12) ? size : 0);
  put_octal (b + 136, 12, e->mtime_sec >= 0 && fits_octal ((uint64_t)e->mtime_sec, 12) ? (uint64_t)e->mtime_sec : 0);
  b[156] = (unsigned char)type;
  if (linkname)
    strncpy ((char *)b + 157, linkname, 100);
  memcpy (b + 257, "ustar\0" "00", 8);
  if (type == SHIM_TAR_CHAR || type == SHIM_TAR_BLOCK_DEV)
    {
      put_octal (b + 329, 8, e->devmajor);
      put_octal (b + 337, 8, e->devminor);
    }
  checksum (b);
}

ssize_t
shim_tar_header_build (const struct shim_tar_entry_s *e, unsigned char *out, size_t out_len, shim_error_t *err)
{
  cleanup_free char *pax = NULL;
  size_t pax_len = 0, need;
  char num[32];
  const char *link = e->linkname ? e->linkname : "";

  if (strlen (e->name) > 100)
    pax_add (&pax, &pax_len, "path", e->name);
  if (strlen (link) > 100)
    pax_add (&pax, &pax_len, "linkpath", link);
  if (!fits_octal (e->size, 12))
    {
      snprintf (num, sizeof (num), "%" PRIu64, e->size);
      pax_add (&pax, &pax_len, "size", num);
    }
  if (e->uid < 0 || !fits_octal ((uint64_t)e->uid, 8))
    {
      snprintf (num, sizeof (num), "%" PRId64, e->uid);
      pax_add (&pax, &pax_len, "uid", num);
    }
  if (e->gid < 0 || !fits_octal ((uint64_t)e->gid, 8))
    {
      snprintf (num, sizeof (num), "%" PRId64, e->gid);
      pax_add (&pax, &pax_len, "gid", num);
    }
  if (e->mtime_sec < 0 || !fits_octal ((uint64_t)e->mtime_sec, 12))
    {
      snprintf (num, sizeof (num), "%" PRId64, e->mtime_sec);
      pax_add (&pax, &pax_len, "mtime", num);
    }
  need = SHIM_TAR_BLOCK + (pax ? SHIM_TAR_BLOCK + (pax_len + SHIM_TAR_BLOCK - 1) / SHIM_TAR_BLOCK * SHIM_TAR_BLOCK : 0);
  if (need > out_len)
    return shim_make_error (err, ENOSPC, "tar header of `%s` too large", e->name);
  if (pax)
    {
      struct shim_tar_entry_s px = { .mode = 0644, .mtime_sec = e->mtime_sec >= 0 ? e->mtime_sec : 0 };
      size_t padded = (pax_len + SHIM_TAR_BLOCK - 1) / SHIM_TAR_BLOCK * SHIM_TAR_BLOCK;
      ustar_block (out, "././@PaxHeader", 'x', &px, pax_len, NULL);
      memset (out + SHIM_TAR_BLOCK, 0, padded);
      memcpy (out + SHIM_TAR_BLOCK, pax, pax_len);
      ustar_block (out + SHIM_TAR_BLOCK + padded, e->name, e->type, e, e->size, link);
    }
  else
    ustar_block (out, e->name, e->type, e, e->size, link);
  return (ssize_t)need;
}

char *
shim_tar_clean_name (const char *name)
{
  char *out = xmalloc (strlen (name) + 1);
  size_t len = 0;
  const char *p = name;

  while (*p)
    {
      const char *s = strchr (p, '/');
      size_t n = s ? (size_t)(s - p) : strlen (p);

      if (n == 0 || (n == 1 && p[0] == '.'))
        ; /* empty or "." */
      else if (n == 2 && p[0] == '.' && p[1] == '.')
        {
          if (len == 0)
            {
              free (out);
              return NULL;
            }
          while (len > 0 && out[len - 1] != '/')
            len--;
          if (len > 0)
            len--; /* the slash */
        }
      else
        {
          if (len > 0)
            out[len++] = '/';
          memcpy (out + len, p, n);
          len += n;
        }
      p += n;
      if (*p == '/')
        p++;
    }
  out[len] = '\0';
  return out;
}
