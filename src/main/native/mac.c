/* mac.c -- AppArmor profile and SELinux labels (see mac.h for the contract).
 *
 * Both LSMs are driven through procfs attribute files; no libapparmor/libselinux dependency.
 * A request on a host without the LSM is an error, never a silent skip.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include "mac.h"
#include "utils.h"

/* Overridable only so that tests can point them at a fake tree. */
#ifndef APPARMOR_ENABLED_PATH
#  define APPARMOR_ENABLED_PATH "/sys/module/apparmor/parameters/enabled"
#  define APPARMOR_EXEC_ATTR "/proc/thread-self/attr/apparmor/exec"
#  define APPARMOR_EXEC_ATTR_OLD "/proc/thread-self/attr/exec"
#  define SELINUX_ENFORCE_PATH "/sys/fs/selinux/enforce"
#  define SELINUX_EXEC_ATTR "/proc/thread-self/attr/exec"
#endif

static int
apparmor_enabled (void)
{
  char c = 0;
  cleanup_close int fd = open (APPARMOR_ENABLED_PATH, O_RDONLY | O_CLOEXEC);

  if (fd < 0)
    return 0;
  if (shim_read_all (fd, &c, 1) != 1)
    return 0;
  return c == 'Y';
}

static int
selinux_enabled (void)
{
  struct stat st;

  return stat (SELINUX_ENFORCE_PATH, &st) == 0;
}

/* Writes value to the first of two procfs attribute files that exists. */
static int
write_attr (const char *path, const char *fallback, const char *value, shim_error_t *err)
{
  cleanup_close int fd = open (path, O_WRONLY | O_CLOEXEC);
  size_t len = strlen (value);

  if (fd < 0 && errno == ENOENT && fallback != NULL)
    {
      path = fallback;
      fd = open (path, O_WRONLY | O_CLOEXEC);
    }
  if (UNLIKELY (fd < 0))
    return shim_make_error (err, errno, "open `%s`", path);
  if (UNLIKELY (write (fd, value, len) != (ssize_t) len))
    return shim_make_error (err, errno, "write `%s` to `%s`", value, path);
  return 0;
}

int
shim_set_apparmor (const char *profile, shim_error_t *err)
{
  cleanup_free char *value = NULL;

  if (profile == NULL || profile[0] == '\0' || strcmp (profile, "unconfined") == 0)
    return 0;
  if (! apparmor_enabled ())
    return shim_make_error (err, 0, "AppArmor is not enabled on this host");

  /* The profile is changed at the next execve. */
  xasprintf (&value, "exec %s", profile);
  if (UNLIKELY (write_attr (APPARMOR_EXEC_ATTR, APPARMOR_EXEC_ATTR_OLD, value, err)
                < 0))
    return shim_error_wrap (err, "setting AppArmor profile `%s`", profile);
  return 0;
}

int
shim_set_selinux_label (const char *label, shim_error_t *err)
{
  if (label == NULL || label[0] == '\0')
    return 0;
  if (! selinux_enabled ())
    return shim_make_error (err, 0, "SELinux is not enabled on this host");

  if (UNLIKELY (write_attr (SELINUX_EXEC_ATTR, NULL, label, err) < 0))
    return shim_error_wrap (err, "setting SELinux label `%s`", label);
  return 0;
}

int
shim_selinux_check_mount_label (const char *label, shim_error_t *err)
{
  if (label == NULL || label[0] == '\0')
    return 0;
  if (! selinux_enabled ())
    return shim_make_error (err, 0, "SELinux is not enabled on this host");
  /* A mount label is a context "user:role:type[:level]": at least three fields. */
  {
    const char *p = label;
    int colons = 0;

    for (; *p; p++)
      colons += *p == ':';
    if (colons < 2)
      return shim_make_error (err, EINVAL, "invalid SELinux mount label `%s`", label);
  }
  return 0;
}
