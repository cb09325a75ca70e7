/* test_seccomp.c -- TAP tests of seccomp.c: every filter is really loaded in a forked child and
 * checked from inside (errno of the denied syscall, /proc/self/status).  White-box: includes
 * seccomp.c to see whether a program came from the cache.  Needs root (or CAP_SYS_ADMIN) only
 * for the test that loads without no_new_privs.
 *
 * SKIFF_BENCH=1 also prints prepare timings (compile vs cache hit, median of 50) as TAP comments.
 */
#include "../../main/native/seccomp.c"

#include <dirent.h>
#include <grp.h>
#include <pwd.h>
#include <sched.h>
#include <sys/ioctl.h>
#include <sys/personality.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>

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

static json_object *
J (const char *text)
{
  json_object *o = json_tokener_parse (text);

  if (o == NULL)
    {
      fprintf (stderr, "bad test JSON: %s\n", text);
      abort ();
    }
  return o;
}

/* Prepare must fail and its message contain needle. */
static int
prepare_fails (const char *profile, const char *needle)
{
  json_object *o = J (profile);
  shim_seccomp_t *s = NULL;
  shim_error_t err = NULL;
  int ret = shim_seccomp_prepare (o, NULL, &s, &err), ok;

  ok = ret < 0 && s == NULL && err != NULL && strstr (err->msg, needle) != NULL;
  if (! ok)
    printf ("# expected failure containing `%s`, got ret %d: %s\n", needle, ret, err ? err->msg : "(no error)");
  shim_error_release (&err);
  json_object_put (o);
  return ok;
}

static shim_seccomp_t *
prepare_ok (const char *profile, const char *cache_dir)
{
  json_object *o = J (profile);
  shim_seccomp_t *s = NULL;
  shim_error_t err = NULL;

  if (shim_seccomp_prepare (o, cache_dir, &s, &err) < 0)
    {
      printf ("# prepare failed: %s\n", err->msg);
      shim_error_release (&err);
    }
  json_object_put (o);
  return s;
}

/* Forks; the child loads s (after no_new_privs when nnp) and runs check (); returns 1 when the
   child exited 0. */
static int
in_child (shim_seccomp_t *s, int nnp, void (*check) (void))
{
  pid_t pid;
  int status;

  if (s == NULL)
    return 0;
  pid = fork ();
  if (pid == 0)
    {
      shim_error_t err = NULL;

      if (nnp && prctl (PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
        _exit (2);
      if (shim_set_seccomp (s, &err) < 0)
        {
          dprintf (2, "# shim_set_seccomp: %s\n", err->msg);
          _exit (3);
        }
      check ();
      _exit (0);
    }
  if (waitpid (pid, &status, 0) < 0)
    return 0;
  if (! WIFEXITED (status) || WEXITSTATUS (status) != 0)
    printf ("# child status 0x%x\n", status);
  return WIFEXITED (status) && WEXITSTATUS (status) == 0;
}

static int
status_field (const char *field)
{
  char line[256];
  FILE *f = fopen ("/proc/self/status", "r");
  int v = -1;

  if (f == NULL)
    return -1;
  while (fgets (line, sizeof (line), f))
    if (strncmp (line, field, strlen (field)) == 0 && line[strlen (field)] == ':')
      v = atoi (line + strlen (field) + 1);
  fclose (f);
  return v;
}

/* ---- checks run inside the filtered child ---- */

static void
check_mkdir_eperm (void)
{
  CHILD_CHECK (mkdir ("/tmp/skiff-seccomp-test-dir", 0700) < 0 && errno == EPERM);
  CHILD_CHECK (syscall (SYS_getpid) > 0);
  CHILD_CHECK (syscall (SYS_getuid) >= 0);
  CHILD_CHECK (status_field ("Seccomp") == 2);
  CHILD_CHECK (status_field ("NoNewPrivs") == 1);
}

static void
check_mkdir_eperm_no_nnp (void)
{
  CHILD_CHECK (mkdir ("/tmp/skiff-seccomp-test-dir", 0700) < 0 && errno == EPERM);
  CHILD_CHECK (status_field ("Seccomp") == 2);
  CHILD_CHECK (status_field ("NoNewPrivs") == 0);
}

/* Only raw syscalls from the allow-list below: getpid, write, exit_group, rt_sigreturn. */
static void
check_default_errno (void)
{
  CHILD_CHECK (syscall (SYS_getpid) > 0);
  CHILD_CHECK (syscall (SYS_getuid) < 0 && errno == EACCES);
  CHILD_CHECK (syscall (SYS_mkdir, "/tmp/skiff-seccomp-test-dir", 0700) < 0 && errno == EACCES);
}

static void
check_enosys (void)
{
  CHILD_CHECK (syscall (1000) < 0 && errno == ENOSYS);
  CHILD_CHECK (syscall (462 /* mseal, newer than libseccomp 2.5.4 */, 0, 0, 0) < 0 && errno == ENOSYS);
  CHILD_CHECK (syscall (SYS_getuid) < 0 && errno == EPERM);
  CHILD_CHECK (syscall (SYS_getpid) > 0);
}

#ifdef __x86_64__
/* An i386 syscall from a 64-bit process: seccomp sees AUDIT_ARCH_I386.  Returns -errno. */
static long
int80 (long nr)
{
  long ret;

  __asm__ volatile ("int $0x80" : "=a"(ret) : "a"(nr) : "memory");
  return ret;
}

static int have_ia32;

static void
check_enosys_compat (void)
{
  /* x32 (x86_64 audit arch + __X32_SYSCALL_BIT): above libseccomp's x32 max -> ENOSYS from the stub;
     a known x32 syscall not in the list gets the default EPERM. */
  CHILD_CHECK (syscall (X32_SYSCALL_BIT | 1000) < 0 && errno == ENOSYS);
  CHILD_CHECK (syscall (X32_SYSCALL_BIT | 102 /* getuid */) < 0 && errno == EPERM);
  if (have_ia32)
    {
      CHILD_CHECK (int80 (1000) == -ENOSYS);
      CHILD_CHECK (int80 (199 /* getuid32 */) == -EPERM);
      CHILD_CHECK (int80 (20 /* getpid */) == syscall (SYS_getpid));
    }
}
#endif

static void
check_enosys_default_allow (void)
{
  /* A default-ALLOW profile must not turn new syscalls into ENOSYS: mseal (462) reaches the
     kernel, which answers EINVAL for a zero-length... or 0; anything but a filter ENOSYS. */
  CHILD_CHECK (syscall (SYS_getuid) >= 0);
}

static void
check_personality (void)
{
  CHILD_CHECK (syscall (SYS_personality, 0x0008UL) < 0 && errno == EPERM); /* masked: (arg & 0xff) == 8 */
  CHILD_CHECK (syscall (SYS_personality, 0x0108UL) < 0 && errno == EPERM);
  CHILD_CHECK (syscall (SYS_personality, 0xffffffffUL) >= 0);               /* query: allowed */
  CHILD_CHECK (syscall (SYS_personality, 0x0000UL) >= 0);
  CHILD_CHECK (syscall (SYS_personality, 0x0011UL) < 0 && errno == EXDEV);  /* OR of two EQ rules */
  CHILD_CHECK (syscall (SYS_personality, 0x0022UL) < 0 && errno == EXDEV);
  CHILD_CHECK (syscall (SYS_personality, 0x0000UL) >= 0);
}

static void
check_and_args (void)
{
  /* deny kill(pid > 1 AND sig == 0): distinct indexes are ANDed in one rule */
  CHILD_CHECK (syscall (SYS_kill, getpid (), 0) < 0 && errno == ESRCH);
  CHILD_CHECK (syscall (SYS_kill, 1, 0) == 0 || errno != ESRCH);
}

static void
check_notify_mkdir (void)
{
  CHILD_CHECK (mkdir ("/tmp/skiff-seccomp-test-dir", 0700) < 0 && errno == EXDEV);
}

/* ---- profiles ---- */

static const char *deny_mkdir
    = "{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":[{\"names\":[\"mkdir\",\"mkdirat\"],"
      "\"action\":\"SCMP_ACT_ERRNO\",\"errnoRet\":1}]}";

static const char *allow_few
    = "{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"defaultErrnoRet\":13,"
      "\"architectures\":[\"SCMP_ARCH_X86_64\",\"SCMP_ARCH_X86\",\"SCMP_ARCH_X32\"],"
      "\"syscalls\":[{\"names\":[\"getpid\",\"write\",\"exit\",\"exit_group\",\"rt_sigreturn\"],"
      "\"action\":\"SCMP_ACT_ALLOW\"}]}";

static const char *allow_few_eperm
    = "{\"defaultAction\":\"SCMP_ACT_ERRNO\","
      "\"architectures\":[\"SCMP_ARCH_X86_64\",\"SCMP_ARCH_X86\",\"SCMP_ARCH_X32\"],"
      "\"syscalls\":[{\"names\":[\"getpid\",\"write\",\"exit\",\"exit_group\",\"rt_sigreturn\"],"
      "\"action\":\"SCMP_ACT_ALLOW\"}]}";

static const char *personality_profile
    = "{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"flags\":[\"SECCOMP_FILTER_FLAG_LOG\",\"SECCOMP_FILTER_FLAG_SPEC_ALLOW\",\"SECCOMP_FILTER_FLAG_TSYNC\"],\"syscalls\":["
      "{\"names\":[\"personality\"],\"action\":\"SCMP_ACT_ERRNO\",\"args\":[{\"index\":0,\"value\":255,"
      "\"valueTwo\":8,\"op\":\"SCMP_CMP_MASKED_EQ\"}]},"
      "{\"names\":[\"personality\"],\"action\":\"SCMP_ACT_ERRNO\",\"errnoRet\":18,\"args\":["
      "{\"index\":0,\"value\":17,\"op\":\"SCMP_CMP_EQ\"},{\"index\":0,\"value\":34,\"op\":\"SCMP_CMP_EQ\"}]}]}";

static const char *and_profile
    = "{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":[{\"names\":[\"kill\"],\"action\":\"SCMP_ACT_ERRNO\","
      "\"errnoRet\":3,\"args\":[{\"index\":0,\"value\":1,\"op\":\"SCMP_CMP_GT\"},"
      "{\"index\":1,\"value\":0,\"op\":\"SCMP_CMP_EQ\"}]}]}";

static void
call_getppid (void)
{
  syscall (SYS_getppid);
  _exit (0); /* only reached when the action lets the call through */
}

/* Loads action_name on getppid in a child; returns the child's wait status. */
static int
action_status (const char *action_name)
{
  char *profile = NULL;
  shim_seccomp_t *s;
  int status = -1;
  pid_t pid;

  xasprintf (&profile, "{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":[{\"names\":[\"getppid\"],"
                       "\"action\":\"%s\"}]}", action_name);
  s = prepare_ok (profile, NULL);
  free (profile);
  if (s == NULL)
    return -1;
  pid = fork ();
  if (pid == 0)
    {
      shim_error_t err = NULL;

      prctl (PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);
      if (shim_set_seccomp (s, &err) < 0)
        _exit (3);
      call_getppid ();
    }
  waitpid (pid, &status, 0);
  shim_seccomp_free (s);
  return status;
}

static int
count_files (const char *dir, char *last, size_t last_size)
{
  DIR *d = opendir (dir);
  struct dirent *e;
  int n = 0;

  if (d == NULL)
    return -1;
  while ((e = readdir (d)) != NULL)
    if (e->d_name[0] != '.')
      {
        n++;
        snprintf (last, last_size, "%s/%s", dir, e->d_name);
      }
  closedir (d);
  return n;
}

static void
test_cache (void)
{
  char dir[] = "/tmp/skiff-seccomp-cache-XXXXXX", file[512] = "";
  struct stat st1, st2;
  shim_seccomp_t *s1, *s2, *s3;

  if (mkdtemp (dir) == NULL)
    abort ();
  s1 = prepare_ok (deny_mkdir, dir);
  OK (s1 && ! s1->from_cache && count_files (dir, file, sizeof (file)) == 1 && strstr (file, ".bpf")
          && stat (file, &st1) == 0,
      "cache: first prepare compiles and writes <sha256>.bpf");
  s2 = prepare_ok (deny_mkdir, dir);
  OK (s2 && s2->from_cache && stat (file, &st2) == 0 && st1.st_ino == st2.st_ino && s2->len == s1->len
          && memcmp (s1->insns, s2->insns, s1->len * sizeof (struct sock_filter)) == 0,
      "cache: second prepare reads the cached program (same file, same program)");
  OK (in_child (s2, 1, check_mkdir_eperm), "cache: program loaded from the cache is enforced");
  {
    /* same profile, keys in another order and whitespace: same key */
    shim_seccomp_t *s4 = prepare_ok ("{ \"syscalls\":[{\"errnoRet\":1, \"action\":\"SCMP_ACT_ERRNO\","
                                     "\"names\":[\"mkdir\",\"mkdirat\"]}], \"defaultAction\":\"SCMP_ACT_ALLOW\"}",
                                     dir);
    OK (s4 && s4->from_cache, "cache: key is over canonical JSON (key order/whitespace ignored)");
    shim_seccomp_free (s4);
  }
  if (truncate (file, 20) < 0)
    abort ();
  s3 = prepare_ok (deny_mkdir, dir);
  OK (s3 && ! s3->from_cache && stat (file, &st2) == 0
          && st2.st_size == (off_t) (CACHE_HEADER_SIZE + s3->len * sizeof (struct sock_filter))
          && in_child (s3, 1, check_mkdir_eperm),
      "cache: a corrupt cache file is recompiled and rewritten");
  shim_seccomp_free (s1);
  shim_seccomp_free (s2);
  shim_seccomp_free (s3);
  unlink (file);
  rmdir (dir);
}

static int notify_listener_fd = -1;

static void
test_notify (void)
{
  char path[] = "/tmp/skiff-seccomp-notify-XXXXXX", sock[600], buf[4096] = "", cbuf[CMSG_SPACE (sizeof (int))];
  struct sockaddr_un addr = { .sun_family = AF_UNIX };
  char *profile = NULL;
  shim_seccomp_t *s;
  int lfd, cfd, nfd = -1, ok = 0, status;
  pid_t pid;

  if (mkdtemp (path) == NULL)
    abort ();
  snprintf (sock, sizeof (sock), "%s/agent.sock", path);
  strcpy (addr.sun_path, sock);
  lfd = socket (AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (lfd < 0 || bind (lfd, (struct sockaddr *) &addr, sizeof (addr)) < 0 || listen (lfd, 1) < 0)
    abort ();
  notify_listener_fd = lfd;
  xasprintf (&profile, "{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"listenerPath\":\"%s\","
                       "\"listenerMetadata\":\"skiff-meta\",\"syscalls\":[{\"names\":[\"mkdir\"],"
                       "\"action\":\"SCMP_ACT_NOTIFY\"}]}", sock);
  s = prepare_ok (profile, NULL);
  free (profile);
  if (s == NULL)
    {
      OK (0, "NOTIFY: listener receives the fd and answers the notification");
      return;
    }
  pid = fork ();
  if (pid == 0)
    {
      shim_error_t err = NULL;

      close (lfd);
      {
        json_object *state = J ("{\"ociVersion\":\"1.0.2\",\"id\":\"ctr1\",\"status\":\"creating\","
                                "\"pid\":4242,\"bundle\":\"/b\"}");

        shim_seccomp_set_oci_state (s, state);
        json_object_put (state);
      }
      prctl (PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);
      if (shim_set_seccomp (s, &err) < 0)
        {
          dprintf (2, "# %s\n", err->msg);
          _exit (3);
        }
      check_notify_mkdir ();
      _exit (0);
    }
  shim_seccomp_free (s); /* the parent's copy of the connection */
  cfd = accept4 (lfd, NULL, NULL, SOCK_CLOEXEC);
  if (cfd >= 0)
    {
      struct iovec iov = { buf, sizeof (buf) - 1 };
      struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = cbuf, .msg_controllen = sizeof (cbuf) };
      ssize_t n = recvmsg (cfd, &mh, MSG_CMSG_CLOEXEC);
      struct cmsghdr *cm = n > 0 ? CMSG_FIRSTHDR (&mh) : NULL;

      if (cm && cm->cmsg_type == SCM_RIGHTS)
        memcpy (&nfd, CMSG_DATA (cm), sizeof (int));
      ok = n > 0 && nfd >= 0 && strstr (buf, "\"seccompFd\"") && strstr (buf, "\"metadata\":\"skiff-meta\"")
           && strstr (buf, "\"pid\":4242,") && strstr (buf, "\"id\":\"ctr1\"");
      if (! ok)
        printf ("# listener got %zd bytes: %s (fd %d)\n", n, buf, nfd);
      close (cfd);
    }
  if (ok)
    {
      struct seccomp_notif req;
      struct seccomp_notif_resp resp;

      memset (&req, 0, sizeof (req));
      ok = ioctl (nfd, SECCOMP_IOCTL_NOTIF_RECV, &req) == 0 && req.data.nr == SYS_mkdir;
      memset (&resp, 0, sizeof (resp));
      resp.id = req.id;
      resp.error = -EXDEV;
      ok = ok && ioctl (nfd, SECCOMP_IOCTL_NOTIF_SEND, &resp) == 0;
    }
  if (! ok)
    kill (pid, SIGKILL);
  waitpid (pid, &status, 0);
  OK (ok && WIFEXITED (status) && WEXITSTATUS (status) == 0,
      "NOTIFY: listener gets the fd + metadata + OCI state over listenerPath, answers mkdir with EXDEV");
  if (nfd >= 0)
    close (nfd);
  close (lfd);
  unlink (sock);
  rmdir (path);
}

static double
now_ms (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_MONOTONIC, &ts);
  return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static int
cmp_double (const void *a, const void *b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return x < y ? -1 : x > y;
}

/* ~350-syscall allow-list, default ERRNO: the shape of the containers-common default profile. */
static void
bench (void)
{
  struct strbuf_s b = { NULL, 0, 0 };
  char dir[] = "/tmp/skiff-seccomp-bench-XXXXXX", file[512];
  double compile_ms[50], cached_ms[50], load_ms[50];
  int n = 0, nr, i;
  json_object *o;

  sb_add (&b, "{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"architectures\":[\"SCMP_ARCH_X86_64\","
              "\"SCMP_ARCH_X86\",\"SCMP_ARCH_X32\"],\"syscalls\":[{\"action\":\"SCMP_ACT_ALLOW\",\"names\":[",
          strlen ("{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"architectures\":[\"SCMP_ARCH_X86_64\","
                  "\"SCMP_ARCH_X86\",\"SCMP_ARCH_X32\"],\"syscalls\":[{\"action\":\"SCMP_ACT_ALLOW\",\"names\":["));
  for (nr = 0; nr < 460 && n < 350; nr++)
    {
      char *name = seccomp_syscall_resolve_num_arch (SCMP_ARCH_NATIVE, nr);

      if (name == NULL)
        continue;
      if (n++)
        sb_add (&b, ",", 1);
      sb_add (&b, "\"", 1);
      sb_add (&b, name, strlen (name));
      sb_add (&b, "\"", 1);
      free (name);
    }
  sb_add (&b, "]}]}", 4);
  o = J (b.data);
  if (mkdtemp (dir) == NULL)
    abort ();
  for (i = 0; i < 50; i++)
    {
      shim_seccomp_t *s = NULL;
      shim_error_t err = NULL;
      double t0 = now_ms ();

      if (shim_seccomp_prepare (o, NULL, &s, &err) < 0)
        abort ();
      compile_ms[i] = now_ms () - t0;
      shim_seccomp_free (s);
    }
  {
    shim_seccomp_t *s = NULL;
    shim_error_t err = NULL;

    shim_seccomp_prepare (o, dir, &s, &err); /* fill the cache */
    shim_seccomp_free (s);
  }
  for (i = 0; i < 50; i++)
    {
      shim_seccomp_t *s = NULL;
      shim_error_t err = NULL;
      double t0 = now_ms ();

      if (shim_seccomp_prepare (o, dir, &s, &err) < 0 || ! s->from_cache)
        abort ();
      cached_ms[i] = now_ms () - t0;
      {
        int pfd[2];
        pid_t pid;

        if (pipe (pfd) < 0)
          abort ();
        pid = fork ();
        if (pid == 0)
          {
            double t1 = now_ms (), d;

            prctl (PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);
            if (shim_set_seccomp (s, &err) < 0)
              _exit (1);
            d = now_ms () - t1;
            if (write (pfd[1], &d, sizeof (d)) < 0)
              _exit (1);
            _exit (0);
          }
        close (pfd[1]);
        if (read (pfd[0], &load_ms[i], sizeof (double)) != sizeof (double))
          load_ms[i] = -1;
        close (pfd[0]);
        waitpid (pid, NULL, 0);
      }
      shim_seccomp_free (s);
    }
  qsort (compile_ms, 50, sizeof (double), cmp_double);
  qsort (cached_ms, 50, sizeof (double), cmp_double);
  qsort (load_ms, 50, sizeof (double), cmp_double);
  printf ("# bench: %d-syscall allow-list, 3 arches: prepare compile median %.3f ms, prepare cache-hit "
          "median %.3f ms, seccomp() load in child median %.3f ms (n=50)\n",
          n, (compile_ms[24] + compile_ms[25]) / 2, (cached_ms[24] + cached_ms[25]) / 2,
          (load_ms[24] + load_ms[25]) / 2);
  if (count_files (dir, file, sizeof (file)) == 1)
    unlink (file);
  rmdir (dir);
  json_object_put (o);
  free (b.data);
}

int
main (void)
{
  shim_seccomp_t *s = NULL;
  shim_error_t err = NULL;

  printf ("1..30\n");
  fflush (stdout);

  OK (shim_seccomp_prepare (NULL, NULL, &s, &err) == 0 && s == NULL && shim_set_seccomp (NULL, &err) == 0,
      "no linux.seccomp: nothing prepared, nothing loaded");

  s = prepare_ok (deny_mkdir, NULL);
  OK (in_child (s, 1, check_mkdir_eperm), "deny mkdir with errnoRet 1: mkdir EPERM, getpid works, Seccomp: 2");
  OK (in_child (s, 0, check_mkdir_eperm_no_nnp), "loads without no_new_privs while CAP_SYS_ADMIN is held");
  shim_seccomp_free (s);

  s = prepare_ok (allow_few, NULL);
  OK (in_child (s, 1, check_default_errno), "default ERRNO with defaultErrnoRet 13: unlisted syscalls get EACCES");
  shim_seccomp_free (s);

  s = prepare_ok (allow_few_eperm, NULL);
  OK (in_child (s, 1, check_enosys),
      "syscall above libseccomp's highest (1000, 462) returns ENOSYS, known unlisted gets EPERM");
#ifdef __x86_64__
  {
    pid_t pid = fork ();
    int st = 0;

    if (pid == 0)
      _exit (int80 (20) == syscall (SYS_getpid) ? 0 : 1);
    waitpid (pid, &st, 0);
    have_ia32 = WIFEXITED (st) && WEXITSTATUS (st) == 0;
    if (! have_ia32)
      printf ("# no ia32 emulation: i386 part of the next test not run\n");
  }
  OK (in_child (s, 1, check_enosys_compat), "ENOSYS stub for x32 and i386 (int 0x80) syscall numbers too");
#else
  OK (1, "ENOSYS stub for compat arches # SKIP not x86_64");
#endif
  OK (s && s->insns[0].code == (BPF_LD | BPF_W | BPF_ABS) && s->insns[0].k == offsetof (struct seccomp_data, arch),
      "ENOSYS stub starts with the arch check");
  shim_seccomp_free (s);

  s = prepare_ok (deny_mkdir, NULL);
  OK (s && s->insns[0].code != (BPF_JMP | BPF_JA) && build_enosys_stub (&(struct profile_s){ .default_action = SCMP_ACT_ALLOW, .n_arches = 1, .arches = { SCMP_ARCH_X86_64 } }, (struct sock_filter[200]){ 0 }) == 0
          && in_child (s, 1, check_enosys_default_allow),
      "no ENOSYS stub when the default action is ALLOW");
  shim_seccomp_free (s);

  s = prepare_ok (personality_profile, NULL);
  OK (in_child (s, 1, check_personality), "arg conditions: MASKED_EQ, and repeated index = OR (flags LOG, SPEC_ALLOW, TSYNC)");
  shim_seccomp_free (s);

  /* The rootless init: an unprivileged user in a fresh user namespace holds CAP_SYS_ADMIN there,
     which is what lets it load a filter without no_new_privs (runc's order). */
  {
    struct passwd *pw = getpwnam ("skifftest");

    if (pw == NULL)
      OK (1, "loads without no_new_privs as an unprivileged user in a new user namespace # SKIP no user skifftest");
    else
      {
        pid_t pid;
        int st = -1;

        s = prepare_ok (personality_profile, NULL);
        pid = fork ();
        if (pid == 0)
          {
            shim_error_t e = NULL;

            CHILD_CHECK (setgroups (0, NULL) == 0 && setresgid (pw->pw_gid, pw->pw_gid, pw->pw_gid) == 0
                         && setresuid (pw->pw_uid, pw->pw_uid, pw->pw_uid) == 0);
            CHILD_CHECK (unshare (CLONE_NEWUSER) == 0);
            CHILD_CHECK (shim_set_seccomp (s, &e) == 0);
            CHILD_CHECK (status_field ("NoNewPrivs") == 0 && status_field ("Seccomp") == 2);
            CHILD_CHECK (syscall (SYS_personality, 0x0011UL) < 0 && errno == EXDEV);
            _exit (0);
          }
        waitpid (pid, &st, 0);
        OK (WIFEXITED (st) && WEXITSTATUS (st) == 0,
            "loads without no_new_privs as an unprivileged user in a new user namespace");
        shim_seccomp_free (s);
      }
  }

  s = prepare_ok (and_profile, NULL);
  OK (in_child (s, 1, check_and_args), "arg conditions on distinct indexes are ANDed (GT + EQ)");
  shim_seccomp_free (s);

  {
    int st = action_status ("SCMP_ACT_KILL_PROCESS");

    OK (WIFSIGNALED (st) && WTERMSIG (st) == SIGSYS, "SCMP_ACT_KILL_PROCESS kills with SIGSYS");
    st = action_status ("SCMP_ACT_TRAP");
    OK (WIFSIGNALED (st) && WTERMSIG (st) == SIGSYS, "SCMP_ACT_TRAP raises SIGSYS");
    st = action_status ("SCMP_ACT_LOG");
    OK (WIFEXITED (st) && WEXITSTATUS (st) == 0, "SCMP_ACT_LOG lets the call through");
  }

  OK (prepare_fails ("{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"listenerPath\":\"/tmp/x\",\"syscalls\":[{\"names\":"
                     "[\"read\",\"write\"],\"action\":\"SCMP_ACT_NOTIFY\"}]}",
                     "SCMP_ACT_NOTIFY cannot be used for `write`"),
      "NOTIFY on write is rejected");
  OK (prepare_fails ("{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":[{\"names\":[\"mkdir\"],\"action\":"
                     "\"SCMP_ACT_NOTIFY\"}]}",
                     "requires linux.seccomp.listenerPath"),
      "NOTIFY without listenerPath is rejected");
  OK (prepare_fails ("{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":[{\"names\":[\"getpid\",\"no_such_call\"],"
                     "\"action\":\"SCMP_ACT_ERRNO\"}]}",
                     "unknown syscall `no_such_call`"),
      "unknown syscall name is rejected, naming it");
  OK (prepare_fails ("{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":[{\"names\":[\"mkdir\"],\"action\":"
                     "\"SCMP_ACT_EXPLODE\"}]}",
                     "unknown seccomp action `SCMP_ACT_EXPLODE`"),
      "unknown action is rejected");
  OK (prepare_fails ("{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":[{\"names\":[\"mkdir\"],\"action\":"
                     "\"SCMP_ACT_ERRNO\",\"args\":[{\"index\":0,\"value\":1,\"op\":\"SCMP_CMP_ALMOST\"}]}]}",
                     "unknown seccomp operator `SCMP_CMP_ALMOST`"),
      "unknown op is rejected");
  OK (prepare_fails ("{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":[{\"names\":[\"mkdir\"],\"action\":"
                     "\"SCMP_ACT_KILL\",\"errnoRet\":1}]}",
                     "errnoRet is only valid with SCMP_ACT_ERRNO"),
      "errnoRet on a KILL action is rejected");
  OK (prepare_fails ("{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"defaultErrnoRet\":1}",
                     "errnoRet is only valid with SCMP_ACT_ERRNO"),
      "defaultErrnoRet with an ALLOW default is rejected");
  OK (prepare_fails ("{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"architectures\":[\"SCMP_ARCH_Z80\"]}",
                     "unknown seccomp architecture `SCMP_ARCH_Z80`"),
      "unknown architecture is rejected");
  OK (prepare_fails ("{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"flags\":[\"SECCOMP_FILTER_FLAG_FAST\"]}",
                     "unknown seccomp flag `SECCOMP_FILTER_FLAG_FAST`"),
      "unknown flag is rejected");
  OK (prepare_fails ("{\"defaultAction\":\"SCMP_ACT_NOTIFY\",\"listenerPath\":\"/tmp/x\"}",
                     "cannot be the default action"),
      "NOTIFY as the default action is rejected");

  test_cache ();
  test_notify ();

  if (getenv ("SKIFF_BENCH"))
    bench ();
  return failures ? 1 : 0;
}
