/* test_handover.c -- TAP tests of the pure parts of the memfd copy and the monitor's handover:
 * the loadable size of an ELF image (cloned_binary.c) and the pid namespace check (handover.c). */
#define _GNU_SOURCE
#include <elf.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cloned_binary.h"
#include "handover.h"
#include "tap.h"

static void
test_elf_load_end (void)
{
  unsigned char buf[512];
  Elf64_Ehdr *eh = (Elf64_Ehdr *)buf;
  Elf64_Phdr ph[3];

  memset (buf, 0, sizeof (buf));
  memcpy (eh->e_ident, ELFMAG, SELFMAG);
  eh->e_ident[EI_CLASS] = ELFCLASS64;
  eh->e_phoff = sizeof (*eh);
  eh->e_phentsize = sizeof (Elf64_Phdr);
  eh->e_phnum = 3;
  memset (ph, 0, sizeof (ph));
  ph[0] = (Elf64_Phdr){ .p_type = PT_LOAD, .p_offset = 0, .p_filesz = 0x1000 };
  ph[1] = (Elf64_Phdr){ .p_type = PT_LOAD, .p_offset = 0x5000, .p_filesz = 0x234, .p_memsz = 0x9000 };
  ph[2] = (Elf64_Phdr){ .p_type = PT_GNU_STACK };
  memcpy (buf + eh->e_phoff, ph, sizeof (ph));
  OK (shim_elf_load_end (buf, sizeof (buf)) == 0x5234, "the end of the last segment's file part (%#lx)",
      shim_elf_load_end (buf, sizeof (buf)));
  ph[1].p_type = PT_NULL;
  memcpy (buf + eh->e_phoff, ph, sizeof (ph));
  OK (shim_elf_load_end (buf, sizeof (buf)) == 0x1000, "PT_NULL entries do not count");
  OK (shim_elf_load_end (buf, eh->e_phoff + 2 * sizeof (Elf64_Phdr)) == 0,
      "program headers beyond what was read: 0 (copy everything)");
  eh->e_ident[EI_CLASS] = ELFCLASS32;
  OK (shim_elf_load_end (buf, sizeof (buf)) == 0, "not ELF64: 0");
  OK (shim_elf_load_end ((const unsigned char *)"#!/bin/sh\n", 10) == 0, "a script: 0");
}

/* the shim itself: its loadable part ends before its debug sections (make builds it with -g) */
static void
test_real_binary (void)
{
  unsigned char head[4096];
  struct stat st;
  int fd = open ("skiff-shim", O_RDONLY);
  ssize_t n = fd >= 0 ? read (fd, head, sizeof (head)) : -1;
  unsigned long end = n > 0 ? shim_elf_load_end (head, (unsigned long)n) : 0;

  OK (fd >= 0 && fstat (fd, &st) == 0 && end > 100000 && (off_t)end < st.st_size,
      "skiff-shim: loadable part %lu of %lld bytes", end, fd >= 0 ? (long long)st.st_size : -1LL);
  if (fd >= 0)
    close (fd);
}

static void
test_pidns (void)
{
  struct stat own;
  int self, p[2], q[2], child_fd;
  pid_t pid;
  char path[64], c;

  stat ("/proc/self/ns/pid", &own);
  self = open ("/proc/self/ns/pid", O_RDONLY);
  OK (shim_pidns_is_below (self, own.st_dev, own.st_ino) == 0, "our own pid namespace is not below ours");
  close (self);
  if (geteuid () != 0)
    {
      printf ("ok %d - # SKIP a child pid namespace needs root\n", ++tap_n);
      return;
    }
  /* a child in a new pid namespace (unshare then fork: the grandchild is in it) */
  if (pipe (p) < 0 || pipe (q) < 0)
    return;
  pid = fork ();
  if (pid == 0)
    {
      pid_t g;

      if (unshare (CLONE_NEWPID) < 0)
        _exit (1);
      g = fork ();
      if (g == 0)
        {
          read (p[0], &c, 1);
          _exit (0);
        }
      write (q[1], "u", 1); /* the namespace has its init now: pid_for_children opens */
      waitpid (g, NULL, 0);
      _exit (0);
    }
  /* once the child has forked in it, its pid_for_children is the new namespace */
  close (q[1]);
  read (q[0], &c, 1);
  snprintf (path, sizeof (path), "/proc/%d/ns/pid_for_children", (int)pid);
  child_fd = open (path, O_RDONLY);
  OK (child_fd >= 0 && shim_pidns_is_below (child_fd, own.st_dev, own.st_ino) == 1,
      "a new pid namespace of a child is below ours");
  if (child_fd >= 0)
    {
      struct stat cst;
      int up = open ("/proc/self/ns/pid", O_RDONLY);

      fstat (child_fd, &cst);
      OK (shim_pidns_is_below (up, cst.st_dev, cst.st_ino) == 0, "ours is not below the child's (above it)");
      close (up);
      close (child_fd);
    }
  write (p[1], "x", 1);
  waitpid (pid, NULL, 0);
}

int
main (void)
{
  test_elf_load_end ();
  test_real_binary ();
  test_pidns ();
  return tap_done ();
}
