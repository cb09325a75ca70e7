/* test_caps.c -- TAP tests of caps.c: the sets are applied for real in forked children and read
 * back from /proc/self/status, before and after an execve (the kernel's exec rules are what the
 * container process gets).  White-box: includes caps.c to simulate an older kernel (cap_last_cap).
 * Needs root; the user switch uses the `skifftest` user (skipped when it does not exist).
 */
#include "../../main/native/caps.c"

#include <grp.h>
#include <pwd.h>
#include <sched.h>
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

#define SKIP(name, why)                                                                            \
  do                                                                                               \
    {                                                                                              \
      printf ("ok %d - %s # SKIP %s\n", ++test_no, name, why);                                     \
      fflush (stdout);                                                                             \
    }                                                                                              \
  while (0)

#define CHILD_CHECK(cond)                                                                          \
  do                                                                                               \
    {                                                                                              \
      if (! (cond))                                                                                \
        {                                                                                          \
          dprintf (2, "# child check failed line %d: %s (errno %d)\n", __LINE__, #cond, errno);    \
          _exit (1);                                                                               \
        }                                                                                          \
    }                                                                                              \
  while (0)

#define BIT(c) (UINT64_C (1) << (c))

/* Podman's default set (DESIGN.md 5). */
static const uint64_t podman_default
    = BIT (CAP_CHOWN) | BIT (CAP_DAC_OVERRIDE) | BIT (CAP_FOWNER) | BIT (CAP_FSETID) | BIT (CAP_KILL)
      | BIT (CAP_NET_BIND_SERVICE) | BIT (CAP_SETFCAP) | BIT (CAP_SETGID) | BIT (CAP_SETPCAP)
      | BIT (CAP_SETUID) | BIT (CAP_SYS_CHROOT);
#define PODMAN_NAMES                                                                               \
  "[\"CAP_CHOWN\",\"CAP_DAC_OVERRIDE\",\"CAP_FOWNER\",\"CAP_FSETID\",\"CAP_KILL\","                \
  "\"CAP_NET_BIND_SERVICE\",\"CAP_SETFCAP\",\"CAP_SETGID\",\"CAP_SETPCAP\",\"CAP_SETUID\","        \
  "\"CAP_SYS_CHROOT\"]"

struct status_s
{
  uint64_t eff, prm, bnd, inh, amb;
  int nnp;
};

static void
parse_status (const char *text, struct status_s *st)
{
  const char *p;

  memset (st, 0xff, sizeof (*st));
#define FIELD(name, dst)                                                                           \
  if ((p = strstr (text, name ":")) != NULL)                                                       \
    dst = strtoull (p + strlen (name ":"), NULL, 16);
  FIELD ("CapEff", st->eff);
  FIELD ("CapPrm", st->prm);
  FIELD ("CapBnd", st->bnd);
  FIELD ("CapInh", st->inh);
  FIELD ("CapAmb", st->amb);
#undef FIELD
  if ((p = strstr (text, "NoNewPrivs:")) != NULL)
    st->nnp = atoi (p + strlen ("NoNewPrivs:"));
}

static void
read_self_status (struct status_s *st)
{
  char buf[8192] = "";
  int fd = open ("/proc/self/status", O_RDONLY | O_CLOEXEC);

  if (fd >= 0)
    {
      if (shim_read_all (fd, buf, sizeof (buf) - 1) < 0)
        buf[0] = '\0';
      close (fd);
    }
  parse_status (buf, st);
}

static json_object *
J (const char *text)
{
  json_object *o = json_tokener_parse (text);

  if (o == NULL)
    abort ();
  return o;
}

static shim_caps_t *
parse_ok (const char *text)
{
  json_object *o = text ? J (text) : NULL;
  shim_caps_t *caps = NULL;
  shim_error_t err = NULL;

  if (shim_caps_parse (o, &caps, -1, &err) < 0)
    {
      printf ("# parse failed: %s\n", err->msg);
      shim_error_release (&err);
    }
  json_object_put (o);
  return caps;
}

/* The init's sequence: bounding -> [uid switch] -> caps -> nnp.  With exec_status, the child then
   execs `cat /proc/self/status` and the parent parses what the new program sees. */
struct run_s
{
  const shim_caps_t *caps;
  uid_t uid; /* (uid_t) -1 = stay root */
  int nnp;
  int exec_status;
};

static int
run (const struct run_s *r, struct status_s *st, char *errmsg, size_t errmsg_size)
{
  int out[2], errp[2], status;
  char buf[8192] = "";
  pid_t pid;
  ssize_t n;

  if (pipe2 (out, O_CLOEXEC) < 0 || pipe2 (errp, O_CLOEXEC) < 0)
    abort ();
  pid = fork ();
  if (pid == 0)
    {
      shim_error_t err = NULL;
      struct status_s me;

      if (shim_set_caps_bounding (r->caps, &err) < 0)
        goto fail;
      if (r->uid != (uid_t) -1)
        CHILD_CHECK (setgroups (0, NULL) == 0 && setresgid (r->uid, r->uid, r->uid) == 0
                     && setresuid (r->uid, r->uid, r->uid) == 0);
      if (shim_set_caps (r->caps, &err) < 0)
        goto fail;
      CHILD_CHECK (prctl (PR_GET_KEEPCAPS, 0, 0, 0, 0) == 0);
      if (shim_set_no_new_privs (r->nnp, &err) < 0)
        goto fail;
      if (r->exec_status)
        {
          dup2 (out[1], 1);
          execl ("/bin/cat", "cat", "/proc/self/status", (char *) NULL);
          _exit (127);
        }
      read_self_status (&me);
      CHILD_CHECK (write (out[1], &me, sizeof (me)) == sizeof (me));
      _exit (0);
    fail:
      dprintf (errp[1], "%s", err->msg);
      _exit (3);
    }
  close (out[1]);
  close (errp[1]);
  n = shim_read_all (out[0], buf, sizeof (buf) - 1);
  if (errmsg)
    {
      ssize_t m = shim_read_all (errp[0], errmsg, errmsg_size - 1);
      errmsg[m > 0 ? m : 0] = '\0';
    }
  close (out[0]);
  close (errp[0]);
  waitpid (pid, &status, 0);
  if (! WIFEXITED (status) || WEXITSTATUS (status) != 0)
    return -1;
  if (r->exec_status)
    parse_status (buf, st);
  else if (n == sizeof (*st))
    memcpy (st, buf, sizeof (*st));
  else
    return -1;
  return 0;
}

static int
all_equal (const struct status_s *st, uint64_t eff, uint64_t prm, uint64_t bnd, uint64_t inh, uint64_t amb)
{
  int ok = st->eff == eff && st->prm == prm && st->bnd == bnd && st->inh == inh && st->amb == amb;

  if (! ok)
    printf ("# got eff %llx prm %llx bnd %llx inh %llx amb %llx\n", (unsigned long long) st->eff,
            (unsigned long long) st->prm, (unsigned long long) st->bnd, (unsigned long long) st->inh,
            (unsigned long long) st->amb);
  return ok;
}

static int
parse_error_contains (const char *text, const char *needle)
{
  json_object *o = J (text);
  shim_caps_t *caps = NULL;
  shim_error_t err = NULL;
  int ok = shim_caps_parse (o, &caps, -1, &err) < 0 && caps == NULL && strstr (err->msg, needle) != NULL;

  if (! ok)
    printf ("# expected error containing `%s`, got: %s\n", needle, err ? err->msg : "(none)");
  shim_error_release (&err);
  json_object_put (o);
  return ok;
}

static void
test_old_kernel_warning (void)
{
  json_object *o = J ("{\"bounding\":[\"CAP_CHOWN\",\"CAP_CHECKPOINT_RESTORE\"],\"effective\":[\"CAP_BPF\"]}");
  shim_caps_t *caps = NULL;
  shim_error_t err = NULL;
  char buf[1024] = "";
  int p[2], ret;

  if (pipe (p) < 0)
    abort ();
  ret = caps_parse_with_last_cap (o, CAP_BPF, &caps, p[1], &err);
  close (p[1]);
  if (read (p[0], buf, sizeof (buf) - 1) < 0)
    buf[0] = '\0';
  close (p[0]);
  OK (ret == 0 && caps && caps->bounding == BIT (CAP_CHOWN) && caps->effective == BIT (CAP_BPF)
          && strstr (buf, "CAP_CHECKPOINT_RESTORE") && strstr (buf, "\"warning\""),
      "a capability above cap_last_cap is skipped with a warning on warn_fd");
  shim_caps_free (caps);
  caps = NULL;
  OK (caps_parse_with_last_cap (o, CAP_BPF, &caps, -1, &err) == 0 && caps && caps->bounding == BIT (CAP_CHOWN),
      "warn_fd < 0: skipped without a warning");
  shim_caps_free (caps);
  json_object_put (o);
}

int
main (void)
{
  struct passwd *pw = getpwnam ("skifftest");
  struct status_s st;
  shim_caps_t *caps;
  char msg[512];

  printf ("1..16\n");
  fflush (stdout);

  caps = parse_ok (NULL);
  OK (caps && caps->bounding == 0 && caps->effective == 0 && caps->ambient == 0,
      "no process.capabilities: every set empty");
  shim_caps_free (caps);

  OK (parse_error_contains ("{\"bounding\":[\"CAP_CHOWN\",\"CAP_FOO\"]}", "unknown capability `CAP_FOO`"),
      "unknown capability name is an error naming it");
  OK (parse_error_contains ("{\"effective\":[\"chown\"]}", "unknown capability `chown`"),
      "names are the spec's CAP_* spelling (no case folding in the shim)");
  OK (parse_error_contains ("{\"permitted\":[1]}", "is not a string"), "non-string entry is an error");
  OK (parse_error_contains ("{\"ambient\":\"CAP_CHOWN\"}", "is not an array"), "non-array set is an error");
  test_old_kernel_warning ();

  caps = parse_ok ("{\"bounding\":[],\"effective\":[],\"permitted\":[],\"inheritable\":[],\"ambient\":[]}");
  OK (run (&(struct run_s){ caps, (uid_t) -1, 0, 0 }, &st, NULL, 0) == 0 && all_equal (&st, 0, 0, 0, 0, 0),
      "drop all as root: CapEff/CapPrm/CapBnd/CapInh/CapAmb all 0");
  OK (run (&(struct run_s){ caps, (uid_t) -1, 0, 1 }, &st, NULL, 0) == 0 && all_equal (&st, 0, 0, 0, 0, 0),
      "drop all as root: still 0 after execve (bounding caps root's exec gain)");
  shim_caps_free (caps);

  caps = parse_ok ("{\"bounding\":" PODMAN_NAMES ",\"effective\":" PODMAN_NAMES ",\"permitted\":" PODMAN_NAMES
                   ",\"inheritable\":" PODMAN_NAMES "}");
  OK (run (&(struct run_s){ caps, (uid_t) -1, 0, 1 }, &st, NULL, 0) == 0
          && all_equal (&st, podman_default, podman_default, podman_default, podman_default, 0),
      "Podman default set as root: the four sets equal it after execve, ambient empty");
  shim_caps_free (caps);

  if (pw == NULL)
    {
      SKIP ("non-root user with ambient NET_BIND_SERVICE keeps it across execve", "no user skifftest");
      SKIP ("non-root user without ambient: no effective caps after execve", "no user skifftest");
    }
  else
    {
      caps = parse_ok ("{\"bounding\":" PODMAN_NAMES ",\"effective\":[\"CAP_NET_BIND_SERVICE\"],"
                       "\"permitted\":[\"CAP_NET_BIND_SERVICE\"],\"inheritable\":[\"CAP_NET_BIND_SERVICE\"],"
                       "\"ambient\":[\"CAP_NET_BIND_SERVICE\"]}");
      OK (run (&(struct run_s){ caps, pw->pw_uid, 1, 1 }, &st, NULL, 0) == 0
              && all_equal (&st, BIT (CAP_NET_BIND_SERVICE), BIT (CAP_NET_BIND_SERVICE), podman_default,
                            BIT (CAP_NET_BIND_SERVICE), BIT (CAP_NET_BIND_SERVICE)) && st.nnp == 1,
          "non-root user with ambient NET_BIND_SERVICE keeps it across execve (and NoNewPrivs 1)");
      shim_caps_free (caps);

      caps = parse_ok ("{\"bounding\":" PODMAN_NAMES ",\"permitted\":" PODMAN_NAMES ",\"inheritable\":"
                       PODMAN_NAMES "}");
      OK (run (&(struct run_s){ caps, pw->pw_uid, 0, 1 }, &st, NULL, 0) == 0
              && all_equal (&st, 0, 0, podman_default, podman_default, 0),
          "non-root user without ambient: no effective caps after execve");
      shim_caps_free (caps);
    }

  if (pw == NULL)
    SKIP ("rootless: Podman set applied inside a new user namespace", "no user skifftest");
  else
    {
      pid_t pid;
      int st2 = -1;

      caps = parse_ok ("{\"bounding\":" PODMAN_NAMES ",\"effective\":" PODMAN_NAMES ",\"permitted\":"
                       PODMAN_NAMES ",\"inheritable\":" PODMAN_NAMES "}");
      pid = fork ();
      if (pid == 0)
        {
          shim_error_t e = NULL;
          struct status_s me;

          CHILD_CHECK (setgroups (0, NULL) == 0 && setresgid (pw->pw_gid, pw->pw_gid, pw->pw_gid) == 0
                       && setresuid (pw->pw_uid, pw->pw_uid, pw->pw_uid) == 0);
          CHILD_CHECK (unshare (CLONE_NEWUSER) == 0);
          CHILD_CHECK (shim_set_caps_bounding (caps, &e) == 0 && shim_set_caps (caps, &e) == 0);
          read_self_status (&me);
          CHILD_CHECK (all_equal (&me, podman_default, podman_default, podman_default, podman_default, 0));
          _exit (0);
        }
      waitpid (pid, &st2, 0);
      OK (WIFEXITED (st2) && WEXITSTATUS (st2) == 0,
          "rootless: Podman set applied by an unprivileged user inside a new user namespace");
      shim_caps_free (caps);
    }

  caps = parse_ok ("{\"bounding\":[\"CAP_CHOWN\"],\"effective\":[\"CAP_CHOWN\"],\"permitted\":[\"CAP_CHOWN\"],"
                   "\"ambient\":[\"CAP_CHOWN\"]}");
  OK (run (&(struct run_s){ caps, (uid_t) -1, 0, 0 }, &st, msg, sizeof (msg)) < 0
          && strstr (msg, "raising ambient capability `CAP_CHOWN`"),
      "ambient without inheritable fails with a clear error");
  shim_caps_free (caps);

  caps = parse_ok ("{\"bounding\":[\"CAP_KILL\"],\"effective\":[\"CAP_KILL\"],\"permitted\":[\"CAP_KILL\"]}");
  OK (run (&(struct run_s){ caps, (uid_t) -1, 1, 0 }, &st, NULL, 0) == 0 && st.nnp == 1
          && all_equal (&st, BIT (CAP_KILL), BIT (CAP_KILL), BIT (CAP_KILL), 0, 0),
      "no_new_privs on: NoNewPrivs 1");
  OK (run (&(struct run_s){ caps, (uid_t) -1, 0, 0 }, &st, NULL, 0) == 0 && st.nnp == 0,
      "no_new_privs off: NoNewPrivs 0");
  shim_caps_free (caps);
  return failures ? 1 : 0;
}
