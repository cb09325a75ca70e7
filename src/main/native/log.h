/* log.h -- container output to the log file in the k8s-file (CRI) format.
 *
 * Contract: each record is "<RFC3339Nano> <stdout|stderr> <F|P> <bytes>\n".  Like conmon, every
 * chunk read from a pipe is split at newlines: a segment ending in '\n' is a full line (F); the
 * trailing segment of a chunk with no '\n' yet is written as a partial (P) record, and the reader
 * concatenates P records with the next F.  Nothing is held back, so memory stays bounded and a
 * crash loses nothing already read.  Records are formatted into a fixed 64 KiB buffer that is
 * written when full and at the end of each chunk (one write(2) per chunk unless its records
 * exceed 64 KiB), so the shim's memory stays bounded.  Timestamps are UTC with 9 fractional digits ("...T10:00:00.000000001Z").
 */
#ifndef SHIM_LOG_H
#define SHIM_LOG_H

#include <stddef.h>
#include <time.h>
#include "error.h"

#define SHIM_LOG_STDOUT 1
#define SHIM_LOG_STDERR 2

/* Writes the timestamp into buf (>= 36 bytes); returns its length. */
size_t shim_format_rfc3339nano (const struct timespec *ts, char *buf, size_t size);

/* Formats the records for one chunk into *out (heap, grown as needed); returns the length. */
size_t shim_log_format_chunk (const char *timestamp, int stream, const char *data, size_t len, char **out,
                              size_t *out_size);

/* Reads nothing itself: formats the chunk with the current time and appends it to fd. */
int shim_log_write_chunk (int fd, int stream, const char *data, size_t len, shim_error_t *err);

/* Gives the pages of the 64 KiB record buffer back (it holds nothing between two chunks). */
void shim_log_release (void);

#endif
