/* cloned_binary.h -- CVE-2019-5736: the container must never reach a writable shim binary.
 *
 * Contract: shim_ensure_cloned_binary() is the first thing main() does.  When /proc/self/exe is
 * not already a sealed memfd, it copies the binary into a memfd (MFD_CLOEXEC | MFD_ALLOW_SEALING),
 * seals it (SEAL, SHRINK, GROW, WRITE) and re-executes itself from it with fexecve(); so
 * /proc/<shim>/exe, as seen from the container, is a read-only in-memory copy and writing through
 * it fails (EPERM / ETXTBSY).  Returns only on error (or when already running from the copy: 0).
 */
#ifndef SHIM_CLONED_BINARY_H
#define SHIM_CLONED_BINARY_H

#include "error.h"

int shim_ensure_cloned_binary (char **argv, shim_error_t *err);

#endif
