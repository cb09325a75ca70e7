/* sha256.h -- a small SHA-256 (FIPS 180-4), used for the seccomp cache key.
 *
 * Contract: pure computation, no allocation, no failure.  Not for secrets (no constant-time
 * guarantees are needed for a cache key).  Avoids linking OpenSSL into the shim.
 */
#ifndef SHIM_SHA256_H
#define SHIM_SHA256_H

#include <stddef.h>
#include <stdint.h>

struct shim_sha256_s
{
  uint32_t state[8];
  uint64_t length; /* bytes hashed so far */
  uint8_t block[64];
  size_t used;
};
typedef struct shim_sha256_s shim_sha256_t;

void shim_sha256_init (shim_sha256_t *ctx);
void shim_sha256_update (shim_sha256_t *ctx, const void *data, size_t len);
void shim_sha256_final (shim_sha256_t *ctx, uint8_t digest[32]);

/* Lower-case hex of the digest of data; out must hold 65 bytes. */
void shim_sha256_hex (const void *data, size_t len, char out[65]);

#endif
