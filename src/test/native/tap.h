/* tap.h -- minimal TAP producer for the shim's unit tests (crun's tests/tests_libcrun_*.c style). */
#ifndef SHIM_TAP_H
#define SHIM_TAP_H

#include <stdio.h>
#include <string.h>

static int tap_n, tap_failed;

#define OK(cond, ...)                                                                                        \
  do                                                                                                         \
    {                                                                                                        \
      int ok_ = (cond);                                                                                      \
      printf ("%sok %d - ", ok_ ? "" : "not ", ++tap_n);                                                     \
      printf (__VA_ARGS__);                                                                                  \
      printf ("\n");                                                                                         \
      if (!ok_)                                                                                              \
        {                                                                                                    \
          tap_failed++;                                                                                      \
          printf ("#   failed at %s:%d: %s\n", __FILE__, __LINE__, #cond);                                   \
        }                                                                                                    \
      fflush (stdout);                                                                                       \
    }                                                                                                        \
  while (0)

#define STREQ(a, b) ((a) != NULL && (b) != NULL && strcmp ((a), (b)) == 0)

static inline int
tap_done (void)
{
  printf ("1..%d\n", tap_n);
  return tap_failed ? 1 : 0;
}

#endif
