/* caps.c -- the five capability sets and no_new_privs (see caps.h for the contract).
 *
 * Raw capset(2)/prctl(2): no libcap build dependency.  Capability masks are 64-bit, which covers
 * every capability Linux defines (CAP_LAST_CAP is 40 in 6.x kernels).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <linux/capability.h>

#include "caps.h"
#include "utils.h"

#ifndef PR_CAP_AMBIENT
#  define PR_CAP_AMBIENT 47
#  define PR_CAP_AMBIENT_RAISE 2
#  define PR_CAP_AMBIENT_CLEAR_ALL 4
#endif

struct shim_caps_s
{
  uint64_t bounding;
  uint64_t effective;
  uint64_t permitted;
  uint64_t inheritable;
  uint64_t ambient;
  int last_cap; /* highest capability of the running kernel */
};

/* Every capability name Linux defines, indexed by number. */
static const char *const cap_names[] = {
  "CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_DAC_READ_SEARCH", "CAP_FOWNER", "CAP_FSETID", "CAP_KILL",
  "CAP_SETGID", "CAP_SETUID", "CAP_SETPCAP", "CAP_LINUX_IMMUTABLE", "CAP_NET_BIND_SERVICE",
  "CAP_NET_BROADCAST", "CAP_NET_ADMIN", "CAP_NET_RAW", "CAP_IPC_LOCK", "CAP_IPC_OWNER",
  "CAP_SYS_MODULE", "CAP_SYS_RAWIO", "CAP_SYS_CHROOT", "CAP_SYS_PTRACE", "CAP_SYS_PACCT",
  "CAP_SYS_ADMIN", "CAP_SYS_BOOT", "CAP_SYS_NICE", "CAP_SYS_RESOURCE", "CAP_SYS_TIME",
  "CAP_SYS_TTY_CONFIG", "CAP_MKNOD", "CAP_LEASE", "CAP_AUDIT_WRITE", "CAP_AUDIT_CONTROL",
  "CAP_SETFCAP", "CAP_MAC_OVERRIDE", "CAP_MAC_ADMIN", "CAP_SYSLOG", "CAP_WAKE_ALARM",
  "CAP_BLOCK_SUSPEND", "CAP_AUDIT_READ", "CAP_PERFMON", "CAP_BPF", "CAP_CHECKPOINT_RESTORE",
};
#define N_CAP_NAMES ((int) (sizeof (cap_names) / sizeof (cap_names[0])))

static int
cap_from_name (const char *name)
{
  int i;

  for (i = 0; i < N_CAP_NAMES; i++)
    if (strcmp (cap_names[i], name) == 0)
      return i;
  return -1;
}

/* /proc/sys/kernel/cap_last_cap; falls back to the highest name we know. */
static int
read_last_cap (void)
{
  char buf[16] = { 0 };
  cleanup_close int fd = open ("/proc/sys/kernel/cap_last_cap", O_RDONLY | O_CLOEXEC);
  ssize_t n;

  if (fd < 0)
    return N_CAP_NAMES - 1;
  n = shim_read_all (fd, buf, sizeof (buf) - 1);
  if (n <= 0)
    return N_CAP_NAMES - 1;
  return atoi (buf);
}

/* Parses one array of names into a mask.  A NULL array is the empty set. */
static int
parse_cap_set (json_object *caps, const char *set, int last_cap, int warn_fd, uint64_t *mask,
               shim_error_t *err)
{
  json_object *arr = NULL;
  size_t i, len;

  *mask = 0;
  if (caps == NULL || ! json_object_object_get_ex (caps, set, &arr) || arr == NULL)
    return 0;
  if (! json_object_is_type (arr, json_type_array))
    return shim_make_error (err, EINVAL, "process.capabilities.%s is not an array", set);

  len = json_object_array_length (arr);
  for (i = 0; i < len; i++)
    {
      json_object *elem = json_object_array_get_idx (arr, i);
      const char *name;
      int cap;

      if (! json_object_is_type (elem, json_type_string))
        return shim_make_error (err, EINVAL, "process.capabilities.%s[%zu] is not a string", set, i);
      name = json_object_get_string (elem);
      cap = cap_from_name (name);
      if (cap < 0)
        return shim_make_error (err, EINVAL, "unknown capability `%s` in process.capabilities.%s", name,
                                set);
      if (cap > last_cap)
        {
          if (warn_fd >= 0)
            shim_warning_send (warn_fd, "capability `%s` (process.capabilities.%s) is not supported by "
                                        "this kernel (cap_last_cap %d), ignored", name, set, last_cap);
          continue;
        }
      *mask |= UINT64_C (1) << cap;
    }
  return 0;
}

/* The parser with the kernel limit as a parameter, so tests can simulate an older kernel. */
static int
caps_parse_with_last_cap (json_object *capabilities, int last_cap, shim_caps_t **out, int warn_fd,
                          shim_error_t *err)
{
  static const char *const sets[] = { "bounding", "effective", "permitted", "inheritable", "ambient" };
  shim_caps_t *caps;
  uint64_t *masks[5];
  int i, ret;

  if (capabilities != NULL && ! json_object_is_type (capabilities, json_type_object))
    return shim_make_error (err, EINVAL, "process.capabilities is not an object");

  caps = xmalloc0 (sizeof (*caps));
  caps->last_cap = last_cap < 63 ? last_cap : 63;
  masks[0] = &caps->bounding;
  masks[1] = &caps->effective;
  masks[2] = &caps->permitted;
  masks[3] = &caps->inheritable;
  masks[4] = &caps->ambient;
  for (i = 0; i < 5; i++)
    {
      ret = parse_cap_set (capabilities, sets[i], caps->last_cap, warn_fd, masks[i], err);
      if (UNLIKELY (ret < 0))
        {
          free (caps);
          return ret;
        }
    }
  *out = caps;
  return 0;
}

int
shim_caps_parse (json_object *process_capabilities, shim_caps_t **out, int warn_fd, shim_error_t *err)
{
  return caps_parse_with_last_cap (process_capabilities, read_last_cap (), out, warn_fd, err);
}

void
shim_caps_free (shim_caps_t *caps)
{
  free (caps);
}

int
shim_set_caps_bounding (const shim_caps_t *caps, shim_error_t *err)
{
  int cap, ret;

  for (cap = 0; cap <= caps->last_cap; cap++)
    {
      if (caps->bounding & (UINT64_C (1) << cap))
        continue;
      ret = prctl (PR_CAPBSET_DROP, cap, 0, 0, 0);
      if (UNLIKELY (ret < 0 && errno != EINVAL))
        return shim_make_error (err, errno, "dropping `%s` from the bounding set",
                                cap < N_CAP_NAMES ? cap_names[cap] : "?");
    }

  /* Keep the permitted set across the setresuid that follows. */
  ret = prctl (PR_SET_KEEPCAPS, 1, 0, 0, 0);
  if (UNLIKELY (ret < 0))
    return shim_make_error (err, errno, "prctl (PR_SET_KEEPCAPS, 1)");
  return 0;
}

static int
set_ambient (const shim_caps_t *caps, shim_error_t *err)
{
  int cap, ret;

  ret = prctl (PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0);
  if (UNLIKELY (ret < 0))
    {
      /* Kernels before 4.3 have no ambient set: fine unless one was asked for. */
      if (errno == EINVAL && caps->ambient == 0)
        return 0;
      return shim_make_error (err, errno, "clearing the ambient capabilities");
    }
  for (cap = 0; cap <= caps->last_cap; cap++)
    {
      if (! (caps->ambient & (UINT64_C (1) << cap)))
        continue;
      ret = prctl (PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, cap, 0, 0);
      if (UNLIKELY (ret < 0))
        return shim_make_error (err, errno, "raising ambient capability `%s` (it must also be "
                                            "permitted and inheritable)",
                                cap < N_CAP_NAMES ? cap_names[cap] : "?");
    }
  return 0;
}

int
shim_set_caps (const shim_caps_t *caps, shim_error_t *err)
{
  struct __user_cap_header_struct hdr = { .version = _LINUX_CAPABILITY_VERSION_3, .pid = 0 };
  struct __user_cap_data_struct data[2];
  int i, ret;

  memset (data, 0, sizeof (data));
  for (i = 0; i < 2; i++)
    {
      data[i].effective = (uint32_t) (caps->effective >> (32 * i));
      data[i].permitted = (uint32_t) (caps->permitted >> (32 * i));
      data[i].inheritable = (uint32_t) (caps->inheritable >> (32 * i));
    }
  ret = syscall (SYS_capset, &hdr, data);
  if (UNLIKELY (ret < 0))
    return shim_make_error (err, errno, "capset (effective must be a subset of permitted)");

  ret = set_ambient (caps, err);
  if (UNLIKELY (ret < 0))
    return ret;

  ret = prctl (PR_SET_KEEPCAPS, 0, 0, 0, 0);
  if (UNLIKELY (ret < 0))
    return shim_make_error (err, errno, "prctl (PR_SET_KEEPCAPS, 0)");
  return 0;
}

int
shim_set_no_new_privs (int enabled, shim_error_t *err)
{
  if (! enabled)
    return 0;
  if (UNLIKELY (prctl (PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0))
    return shim_make_error (err, errno, "prctl (PR_SET_NO_NEW_PRIVS)");
  return 0;
}
