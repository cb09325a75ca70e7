/* utils.c -- cleanup helpers, aborting allocators, retrying I/O (see utils.h). */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "utils.h"

void
cleanup_freep (void *p)
{
  void **pp = (void **)p;
  free (*pp);
}

void
cleanup_closep (int *fd)
{
  if (*fd >= 0)
    {
      int saved = errno;
      close (*fd);
      errno = saved;
    }
}

static void
oom (void)
{
  static const char msg[] = "skiff-shim: out of memory\n";
  if (write (2, msg, sizeof (msg) - 1) < 0)
    abort ();
  abort ();
}

void *
xmalloc (size_t size)
{
  void *p = malloc (size ? size : 1);
  if (p == NULL)
    oom ();
  return p;
}

void *
xmalloc0 (size_t size)
{
  void *p = calloc (1, size ? size : 1);
  if (p == NULL)
    oom ();
  return p;
}

void *
xrealloc (void *p, size_t size)
{
  void *r = realloc (p, size ? size : 1);
  if (r == NULL)
    oom ();
  return r;
}

char *
xstrdup (const char *s)
{
  char *r = strdup (s ? s : "");
  if (r == NULL)
    oom ();
  return r;
}

int
xasprintf (char **out, const char *fmt, ...)
{
  va_list ap;
  int r;

  va_start (ap, fmt);
  r = vasprintf (out, fmt, ap);
  va_end (ap);
  if (r < 0)
    oom ();
  return r;
}

ssize_t
shim_read_all (int fd, void *buf, size_t len)
{
  size_t done = 0;

  while (done < len)
    {
      ssize_t r = read (fd, (char *)buf + done, len - done);
      if (r < 0 && errno == EINTR)
        continue;
      if (r < 0)
        return -1;
      if (r == 0)
        break;
      done += r;
    }
  return done;
}

ssize_t
shim_write_all (int fd, const void *buf, size_t len)
{
  size_t done = 0;

  while (done < len)
    {
      ssize_t r = write (fd, (const char *)buf + done, len - done);
      if (r < 0 && errno == EINTR)
        continue;
      if (r < 0)
        return -1;
      done += r;
    }
  return done;
}

void
shim_json_escape (const char *s, char *out, size_t out_size)
{
  size_t o = 0;

  if (out_size == 0)
    return;
  for (; s && *s; s++)
    {
      unsigned char c = (unsigned char)*s;
      char tmp[8];
      const char *rep = NULL;
      size_t n;

      switch (c)
        {
        case '"':
          rep = "\\\"";
          break;
        case '\\':
          rep = "\\\\";
          break;
        case '\n':
          rep = "\\n";
          break;
        case '\r':
          rep = "\\r";
          break;
        case '\t':
          rep = "\\t";
          break;
        default:
          if (c < 0x20)
            {
              snprintf (tmp, sizeof (tmp), "\\u%04x", c);
              rep = tmp;
            }
        }
      if (rep == NULL)
        {
          tmp[0] = c;
          tmp[1] = '\0';
          rep = tmp;
        }
      n = strlen (rep);
      if (o + n >= out_size)
        break;
      memcpy (out + o, rep, n);
      o += n;
    }
  out[o] = '\0';
}

int
shim_write_file_atomic (const char *path, const char *data, size_t len, shim_error_t *err)
{
  cleanup_free char *tmp = NULL;
  cleanup_close int fd = -1;

  xasprintf (&tmp, "%s.tmp.%d", path, (int)getpid ());
  fd = open (tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0)
    return shim_make_error (err, errno, "open `%s`", tmp);
  if (shim_write_all (fd, data, len) < 0)
    {
      int e = errno;
      unlink (tmp);
      return shim_make_error (err, e, "write `%s`", tmp);
    }
  if (fsync (fd) < 0)
    {
      int e = errno;
      unlink (tmp);
      return shim_make_error (err, e, "fsync `%s`", tmp);
    }
  if (rename (tmp, path) < 0)
    {
      int e = errno;
      unlink (tmp);
      return shim_make_error (err, e, "rename `%s` to `%s`", tmp, path);
    }
  return 0;
}

int
shim_check_parent_writable (const char *path, shim_error_t *err)
{
  cleanup_free char *copy = xstrdup (path);
  const char *dir = dirname (copy);

  if (access (dir, W_OK) < 0)
    return shim_make_error (err, errno, "directory `%s` of `%s` is not writable", dir, path);
  return 0;
}

DIR *
shim_opendir_dup (int dfd)
{
  int fd = dup (dfd);
  DIR *dir;
  int e;

  if (fd < 0)
    return NULL;
  dir = fdopendir (fd);
  if (dir == NULL)
    {
      e = errno;
      close (fd);
      errno = e;
    }
  return dir;
}

int
shim_pipe_pair (int a[2], int b[2], shim_error_t *err)
{
  int e;

  if (pipe2 (a, O_CLOEXEC) < 0)
    return shim_make_error (err, errno, "pipe");
  if (pipe2 (b, O_CLOEXEC) < 0)
    {
      e = errno;
      close (a[0]);
      close (a[1]);
      return shim_make_error (err, e, "pipe");
    }
  return 0;
}
