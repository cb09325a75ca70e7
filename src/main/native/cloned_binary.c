/* cloned_binary.c -- re-exec from a sealed memfd copy (see cloned_binary.h). */
#define _GNU_SOURCE
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cloned_binary.h"
#include "utils.h"

#define REQUIRED_SEALS (F_SEAL_SEAL | F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE)

extern char **environ;

int
shim_ensure_cloned_binary (char **argv, shim_error_t *err)
{
  cleanup_close int self = open ("/proc/self/exe", O_RDONLY | O_CLOEXEC);
  cleanup_close int memfd = -1;
  struct stat st;
  off_t off = 0;
  int seals;

  if (self < 0)
    return shim_make_error (err, errno, "open /proc/self/exe");
  seals = fcntl (self, F_GET_SEALS);
  if (seals >= 0 && (seals & REQUIRED_SEALS) == REQUIRED_SEALS)
    return 0; /* already the sealed copy */
  if (fstat (self, &st) < 0)
    return shim_make_error (err, errno, "fstat /proc/self/exe");
  memfd = memfd_create ("skiff-shim", MFD_CLOEXEC | MFD_ALLOW_SEALING);
  if (memfd < 0)
    return shim_make_error (err, errno, "memfd_create");
  while (off < st.st_size)
    {
      ssize_t n = sendfile (memfd, self, &off, st.st_size - off);
      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        return shim_make_error (err, n < 0 ? errno : EIO, "copying the shim binary");
    }
  if (fchmod (memfd, 0555) < 0)
    return shim_make_error (err, errno, "fchmod memfd");
  if (fcntl (memfd, F_ADD_SEALS, REQUIRED_SEALS) < 0)
    return shim_make_error (err, errno, "sealing the shim copy");
  fexecve (memfd, argv, environ);
  return shim_make_error (err, errno, "re-executing the sealed shim copy");
}
