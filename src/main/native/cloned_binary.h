/* cloned_binary.h -- CVE-2019-5736: the container must never reach a writable shim binary.
 *
 * Contract: shim_ensure_cloned_binary() is the first thing main() does in the modes that start a
 * container process (run, exec, create).  When /proc/self/exe is not already a sealed memfd, it
 * copies the binary's loadable part (the ELF up to the end of its last PT_LOAD segment: no debug
 * sections) into a memfd (MFD_CLOEXEC | MFD_ALLOW_SEALING), seals it (SEAL, SHRINK, GROW, WRITE)
 * and re-executes itself from it with fexecve(); so every process that enters a container (the
 * init, the exec helper and its child) runs from a read-only in-memory copy, /proc/<pid>/exe as
 * seen from the container is that copy, and writing through it fails (EPERM / ETXTBSY).  Returns
 * only on error (or when already running from the copy: 0).
 *
 * The on-disk binary the copy was made from (its path, device and inode) is handed to the copy in
 * the environment (_SKIFF_SHIM_EXE, removed again at once): shim_disk_binary_open() opens it
 * again, O_PATH, only if it is still the same file, for the monitor to leave the memfd once the
 * container runs (handover.h).
 */
#ifndef SHIM_CLONED_BINARY_H
#define SHIM_CLONED_BINARY_H

#include "error.h"

int shim_ensure_cloned_binary (char **argv, shim_error_t *err);

/* An O_PATH | O_CLOEXEC fd of the on-disk binary this sealed copy was made from, or -1 when it
   is unknown or no longer the same file (replaced, e.g. by an upgrade). */
int shim_disk_binary_open (void);

/* Pure (tests): the size of the loadable part of an ELF64 image whose first len bytes are in buf
   (header and program headers must be there), or 0 when it is not an ELF64 file. */
unsigned long shim_elf_load_end (const unsigned char *buf, unsigned long len);

#endif
