/* cloned_binary.c -- re-exec from a sealed memfd copy (see cloned_binary.h). */
#define _GNU_SOURCE
#include <elf.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cloned_binary.h"
#include "utils.h"

#define REQUIRED_SEALS (F_SEAL_SEAL | F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE)
#define EXE_ENV "_SKIFF_SHIM_EXE"

extern char **environ;

/* the on-disk binary, as handed over in EXE_ENV: "<dev>:<ino>:<path>" */
static char disk_path[PATH_MAX];
static dev_t disk_dev;
static ino_t disk_ino;

unsigned long
shim_elf_load_end (const unsigned char *buf, unsigned long len)
{
  const Elf64_Ehdr *eh = (const Elf64_Ehdr *)buf;
  unsigned long end = 0, i;

  if (len < sizeof (*eh) || memcmp (eh->e_ident, ELFMAG, SELFMAG) != 0 || eh->e_ident[EI_CLASS] != ELFCLASS64
      || eh->e_phentsize != sizeof (Elf64_Phdr) || eh->e_phoff > len
      || eh->e_phnum > (len - eh->e_phoff) / sizeof (Elf64_Phdr))
    return 0;
  /* the headers themselves must stay in the copy */
  end = eh->e_phoff + (unsigned long)eh->e_phnum * sizeof (Elf64_Phdr);
  for (i = 0; i < eh->e_phnum; i++)
    {
      Elf64_Phdr ph;

      memcpy (&ph, buf + eh->e_phoff + i * sizeof (ph), sizeof (ph));
      /* PT_LOAD, and PT_INTERP/PT_NOTE/PT_GNU_PROPERTY the kernel reads by file offset */
      if (ph.p_type != PT_NULL && ph.p_offset + ph.p_filesz > end)
        end = ph.p_offset + ph.p_filesz;
    }
  return end;
}

/* How many bytes of the binary to copy: its loadable part, or all of it when in doubt. */
static off_t
copy_size (int fd, off_t size)
{
  unsigned char head[4096];
  ssize_t n = pread (fd, head, sizeof (head), 0);
  unsigned long end = n > 0 ? shim_elf_load_end (head, (unsigned long)n) : 0;

  return end > 0 && (off_t)end < size ? (off_t)end : size;
}

/* In the sealed copy: takes the on-disk binary's identity out of the environment. */
static void
take_disk_binary (void)
{
  const char *v = getenv (EXE_ENV);
  unsigned long long dev, ino;
  int off = 0;

  if (v && sscanf (v, "%llu:%llu:%n", &dev, &ino, &off) == 2 && off > 0 && v[off] == '/'
      && strlen (v + off) < sizeof (disk_path))
    {
      disk_dev = (dev_t)dev;
      disk_ino = (ino_t)ino;
      strcpy (disk_path, v + off);
    }
  unsetenv (EXE_ENV);
}

int
shim_disk_binary_open (void)
{
  struct stat st;
  int fd;

  if (disk_path[0] == '\0')
    return -1;
  fd = open (disk_path, O_PATH | O_CLOEXEC);
  if (fd < 0)
    return -1;
  if (fstat (fd, &st) < 0 || !S_ISREG (st.st_mode) || st.st_dev != disk_dev || st.st_ino != disk_ino)
    {
      close (fd);
      return -1;
    }
  return fd;
}

/* Before the re-exec: puts "<dev>:<ino>:<path>" of the running binary in the environment. */
static void
pass_disk_binary (const struct stat *st)
{
  char path[PATH_MAX], *v = NULL;
  ssize_t n = readlink ("/proc/self/exe", path, sizeof (path) - 1);
  struct stat again;

  if (n <= 0)
    return;
  path[n] = '\0';
  /* a deleted or replaced binary ("... (deleted)") cannot be found again by its path */
  if (path[0] != '/' || stat (path, &again) < 0 || again.st_dev != st->st_dev || again.st_ino != st->st_ino)
    return;
  xasprintf (&v, "%llu:%llu:%s", (unsigned long long)st->st_dev, (unsigned long long)st->st_ino, path);
  setenv (EXE_ENV, v, 1);
  free (v);
}

int
shim_ensure_cloned_binary (char **argv, shim_error_t *err)
{
  cleanup_close int self = open ("/proc/self/exe", O_RDONLY | O_CLOEXEC);
  cleanup_close int memfd = -1;
  struct stat st;
  off_t off = 0, size;
  int seals;

  if (self < 0)
    return shim_make_error (err, errno, "open /proc/self/exe");
  seals = fcntl (self, F_GET_SEALS);
  if (seals >= 0 && (seals & REQUIRED_SEALS) == REQUIRED_SEALS)
    {
      take_disk_binary (); /* already the sealed copy */
      return 0;
    }
  if (fstat (self, &st) < 0)
    return shim_make_error (err, errno, "fstat /proc/self/exe");
  size = copy_size (self, st.st_size);
  memfd = memfd_create ("skiff-shim", MFD_CLOEXEC | MFD_ALLOW_SEALING);
  if (memfd < 0)
    return shim_make_error (err, errno, "memfd_create");
  while (off < size)
    {
      ssize_t n = sendfile (memfd, self, &off, size - off);
      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        return shim_make_error (err, n < 0 ? errno : EIO, "copying the shim binary");
    }
  if (fchmod (memfd, 0555) < 0)
    return shim_make_error (err, errno, "fchmod memfd");
  if (fcntl (memfd, F_ADD_SEALS, REQUIRED_SEALS) < 0)
    return shim_make_error (err, errno, "sealing the shim copy");
  pass_disk_binary (&st);
  fexecve (memfd, argv, environ);
  unsetenv (EXE_ENV);
  return shim_make_error (err, errno, "re-executing the sealed shim copy");
}
