/* test_mac.c -- TAP tests of mac.c.
 *
 * On the real host paths: a requested AppArmor profile / SELinux label on a host without that LSM
 * must fail with the exact texts, and the no-op values must succeed.  Then, with the paths pointed
 * at a fake tree (white-box: mac.c is included with its path macros overridden), the "enabled"
 * branches write the right value to the right attribute file, with the AppArmor fallback.
 * Each check runs in a forked child, as the init would.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char fake_root[64]; /* "" = real host paths */
static char fake_buf[5][200];

static const char *
mac_path (int i, const char *real, const char *fake)
{
  if (fake_root[0] == '\0')
    return real;
  snprintf (fake_buf[i], sizeof (fake_buf[i]), "%s/%s", fake_root, fake);
  return fake_buf[i];
}

#define APPARMOR_ENABLED_PATH mac_path (0, "/sys/module/apparmor/parameters/enabled", "aa_enabled")
#define APPARMOR_EXEC_ATTR mac_path (1, "/proc/thread-self/attr/apparmor/exec", "aa_exec")
#define APPARMOR_EXEC_ATTR_OLD mac_path (2, "/proc/thread-self/attr/exec", "attr_exec")
#define SELINUX_ENFORCE_PATH mac_path (3, "/sys/fs/selinux/enforce", "selinux_enforce")
#define SELINUX_EXEC_ATTR mac_path (4, "/proc/thread-self/attr/exec", "attr_exec")
#include "../../main/native/mac.c"

#include <sys/wait.h>

static int test_no;
static int failures;

#define OK(cond, name)                                                                             \
  do                                                                                               \
    {                                                                                              \
      int ok_ = (cond);                                                                            \
      printf ("%sok %d - %s\n", ok_ ? "" : "not ", ++test_no, name);                               \
      failures += ! ok_;                                                                           \
      fflush (stdout);                                                                             \
    }                                                                                              \
  while (0)

enum which
{
  APPARMOR,
  SELINUX,
  SELINUX_MOUNT
};

/* Runs the step in a child; returns its result and copies the error message. */
static int
run (enum which w, const char *value, char *msg, size_t msg_size)
{
  int p[2], status;
  pid_t pid;
  ssize_t n;

  if (pipe (p) < 0)
    abort ();
  pid = fork ();
  if (pid == 0)
    {
      shim_error_t err = NULL;
      int ret;

      close (p[0]);
      ret = w == APPARMOR  ? shim_set_apparmor (value, &err)
            : w == SELINUX ? shim_set_selinux_label (value, &err)
                           : shim_selinux_check_mount_label (value, &err);
      if (ret < 0)
        {
          if (write (p[1], err->msg, strlen (err->msg)) < 0)
            _exit (2);
          _exit (1);
        }
      _exit (0);
    }
  close (p[1]);
  n = read (p[0], msg, msg_size - 1);
  msg[n > 0 ? n : 0] = '\0';
  close (p[0]);
  waitpid (pid, &status, 0);
  return WIFEXITED (status) && WEXITSTATUS (status) == 0 ? 0 : -1;
}

static int
fails_with (enum which w, const char *value, const char *expected)
{
  char msg[512];
  int ok = run (w, value, msg, sizeof (msg)) < 0 && strcmp (msg, expected) == 0;

  if (! ok)
    printf ("# expected `%s`, got `%s`\n", expected, msg);
  return ok;
}

static int
succeeds (enum which w, const char *value)
{
  char msg[512];
  int ok = run (w, value, msg, sizeof (msg)) == 0;

  if (! ok)
    printf ("# unexpected error: %s\n", msg);
  return ok;
}

static void
put (const char *name, const char *content)
{
  char path[200];
  FILE *f;

  snprintf (path, sizeof (path), "%s/%s", fake_root, name);
  f = fopen (path, "w");
  if (f == NULL)
    abort ();
  fputs (content, f);
  fclose (f);
}

static int
content_is (const char *name, const char *expected)
{
  char path[200], buf[256] = "";
  FILE *f;
  size_t n;

  snprintf (path, sizeof (path), "%s/%s", fake_root, name);
  f = fopen (path, "r");
  if (f == NULL)
    return 0;
  n = fread (buf, 1, sizeof (buf) - 1, f);
  buf[n] = '\0';
  fclose (f);
  if (strcmp (buf, expected) != 0)
    printf ("# %s: `%s`, expected `%s`\n", name, buf, expected);
  return strcmp (buf, expected) == 0;
}

static void
remove_fake (const char *name)
{
  char path[200];

  snprintf (path, sizeof (path), "%s/%s", fake_root, name);
  unlink (path);
}

int
main (void)
{
  struct stat st;
  int host_clean = stat ("/sys/fs/selinux/enforce", &st) < 0 && ! apparmor_enabled ();

  printf ("1..14\n");
  fflush (stdout);

  /* real host (this test host has neither LSM) */
  if (host_clean)
    {
      OK (fails_with (APPARMOR, "docker-default", "AppArmor is not enabled on this host"),
          "AppArmor profile requested on a host without AppArmor: exact error");
      OK (fails_with (SELINUX, "system_u:system_r:container_t:s0:c1,c2", "SELinux is not enabled on this host"),
          "SELinux label requested on a host without SELinux: exact error");
      OK (fails_with (SELINUX_MOUNT, "system_u:object_r:container_file_t:s0", "SELinux is not enabled on this host"),
          "SELinux mount label on a host without SELinux: exact error");
    }
  else
    {
      printf ("ok 1 # SKIP host has AppArmor or SELinux\nok 2 # SKIP\nok 3 # SKIP\n");
      test_no += 3;
    }
  OK (succeeds (APPARMOR, NULL) && succeeds (APPARMOR, "") && succeeds (APPARMOR, "unconfined"),
      "AppArmor NULL, \"\" and \"unconfined\" are no-ops");
  OK (succeeds (SELINUX, NULL) && succeeds (SELINUX, ""), "SELinux NULL and \"\" are no-ops");
  OK (succeeds (SELINUX_MOUNT, NULL) && succeeds (SELINUX_MOUNT, ""), "SELinux mount label NULL and \"\" are no-ops");

  /* fake tree: the enabled branches */
  strcpy (fake_root, "/tmp/skiff-mac-XXXXXX");
  if (mkdtemp (fake_root) == NULL)
    abort ();
  put ("aa_enabled", "N\n");
  OK (fails_with (APPARMOR, "p", "AppArmor is not enabled on this host"), "AppArmor module loaded but disabled (N): error");
  put ("aa_enabled", "Y\n");
  put ("aa_exec", "");
  OK (succeeds (APPARMOR, "skiff-default") && content_is ("aa_exec", "exec skiff-default"),
      "AppArmor enabled: writes `exec <profile>` to attr/apparmor/exec");
  remove_fake ("aa_exec");
  put ("attr_exec", "");
  OK (succeeds (APPARMOR, "skiff-default") && content_is ("attr_exec", "exec skiff-default"),
      "AppArmor enabled, no attr/apparmor/: falls back to attr/exec");
  remove_fake ("attr_exec");
  {
    char msg[512];

    OK (run (APPARMOR, "skiff-default", msg, sizeof (msg)) < 0 && strstr (msg, "setting AppArmor profile `skiff-default`"),
        "AppArmor enabled but attr file missing: error names the profile");
  }
  put ("selinux_enforce", "1");
  put ("attr_exec", "");
  OK (succeeds (SELINUX, "system_u:system_r:container_t:s0:c1,c2")
          && content_is ("attr_exec", "system_u:system_r:container_t:s0:c1,c2"),
      "SELinux enabled: writes the label to attr/exec");
  OK (succeeds (SELINUX_MOUNT, "system_u:object_r:container_file_t:s0"), "SELinux enabled: valid mount label accepted");
  {
    char msg[512];

    OK (run (SELINUX_MOUNT, "container_file_t", msg, sizeof (msg)) < 0 && strstr (msg, "invalid SELinux mount label"),
        "SELinux enabled: malformed mount label rejected");
  }
  remove_fake ("attr_exec");
  {
    char msg[512];

    OK (run (SELINUX, "system_u:system_r:container_t:s0", msg, sizeof (msg)) < 0
            && strstr (msg, "setting SELinux label"),
        "SELinux enabled but attr/exec missing: error names the label");
  }
  remove_fake ("selinux_enforce");
  remove_fake ("aa_enabled");
  rmdir (fake_root);
  return failures ? 1 : 0;
}
