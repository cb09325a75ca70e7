/* seccomp.c -- compiling, caching and loading the OCI `linux.seccomp` filter (see seccomp.h).
 *
 * Pipeline (parent, shim_seccomp_prepare):
 *   1. validate()       cheap checks that need no compilation (actions, ops, errnoRet, flags,
 *                       architectures, NOTIFY rules); always runs, also on a cache hit.
 *   2. cache_key()      sha256 ("skiff-seccomp-v1" NUL canonical-JSON NUL "libseccomp <version>
 *                       <path:size:mtime:ino of the loaded libseccomp>" NUL "arch 0x<native>");
 *                       canonical JSON = keys sorted, no whitespace.
 *                       File: CACHE_MAGIC "SKIFFBPF", u32 format 1, u32 insn count, the 32-byte
 *                       key, then the sock_filter array (host byte order; the cache is per host).
 *   3. cache_load()     <cache_dir>/<hex key>.bpf, else
 *   4. compile()        libseccomp rules -> seccomp_export_bpf -> prepend the ENOSYS stub, then
 *      cache_store()    atomically (shim_write_file_atomic).
 * Init (shim_set_seccomp): seccomp(SECCOMP_SET_MODE_FILTER, flags, &prog) on the raw program.
 *
 * ENOSYS stub.  libseccomp's program answers every syscall it has no rule for with the default
 * action, including syscalls newer than libseccomp itself (e.g. clone3 for an old libseccomp): with
 * a default of ERRNO(EPERM) libc sees EPERM and does not fall back.  runc patches the program; we do
 * the equivalent: before libseccomp's program, for each architecture of the filter, we emit
 *     ld  [arch]           ; jeq AUDIT_ARCH, next-arch
 *     ld  [nr]             ; (x86_64 only: jset __X32_SYSCALL_BIT -> x32 check)
 *     jgt MAX_KNOWN(arch)  -> ret ERRNO|ENOSYS, else -> libseccomp's program
 * where MAX_KNOWN is the highest syscall number libseccomp resolves for that architecture.  The
 * stub only reads seccomp_data and returns or falls through, so libseccomp's own arch check stays
 * in force.  It is emitted only when the default action denies (not ALLOW/LOG), and only for
 * architectures whose syscall numbers are one dense range (x86, x86_64, x32, aarch64, riscv64,
 * ppc, ppc64, ppc64le, s390, s390x): ARM's private 0xf0000 range and MIPS's ABI offsets would
 * need per-arch rules and are left to libseccomp's default action.
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <dlfcn.h>
#include <limits.h>
#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <seccomp.h>

#include "seccomp.h"
#include "sha256.h"
#include "utils.h"

#define CACHE_MAGIC "SKIFFBPF"
#define CACHE_FORMAT 1
#define CACHE_HEADER_SIZE 48 /* magic 8 + format 4 + count 4 + key 32 */
#define X32_SYSCALL_BIT 0x40000000U
#define MAX_ARCHES 24

struct shim_seccomp_s
{
  struct sock_filter *insns;
  unsigned short len;
  unsigned int flags;    /* seccomp(2) flags from the profile */
  int from_cache;        /* 1 when the program was read from cache_dir */
  int listener_fd;       /* connected to listenerPath for a NOTIFY profile, else -1 */
  char *listener_metadata;
  char *oci_state;       /* OCI state JSON for the listener, or NULL */
};

/* What validate() learns from the profile. */
struct profile_s
{
  uint32_t default_action;
  unsigned int flags;
  int notify;
  const char *listener_path;
  const char *listener_metadata;
  uint32_t arches[MAX_ARCHES]; /* libseccomp arch tokens, native first */
  int n_arches;
};

/* ---- names ---------------------------------------------------------------------------------- */

static int
parse_errno_ret (json_object *v, const char *where, uint32_t *out, shim_error_t *err)
{
  int64_t n;

  if (! json_object_is_type (v, json_type_int))
    return shim_make_error (err, EINVAL, "%s is not an integer", where);
  n = json_object_get_int64 (v);
  if (n < 0 || n > (int64_t) SECCOMP_RET_DATA)
    return shim_make_error (err, EINVAL, "%s %lld is out of range", where, (long long) n);
  *out = (uint32_t) n;
  return 0;
}

/* errno_ret may be NULL.  ERRNO and TRACE take a return code (the OCI spec allows errnoRet on
   both; EPERM when absent); any other action with errnoRet is an error. */
static int
parse_action (const char *name, json_object *errno_ret, const char *where, uint32_t *out,
              shim_error_t *err)
{
  uint32_t code = EPERM;

  if (name == NULL)
    return shim_make_error (err, EINVAL, "%s: missing action", where);
  if (errno_ret != NULL)
    {
      if (strcmp (name, "SCMP_ACT_ERRNO") != 0 && strcmp (name, "SCMP_ACT_TRACE") != 0)
        return shim_make_error (err, EINVAL, "%s: errnoRet is only valid with SCMP_ACT_ERRNO or "
                                             "SCMP_ACT_TRACE, not `%s`", where, name);
      if (parse_errno_ret (errno_ret, where, &code, err) < 0)
        return -1;
    }

  if (strcmp (name, "SCMP_ACT_ALLOW") == 0)
    *out = SCMP_ACT_ALLOW;
  else if (strcmp (name, "SCMP_ACT_ERRNO") == 0)
    *out = SCMP_ACT_ERRNO (code);
  else if (strcmp (name, "SCMP_ACT_KILL") == 0 || strcmp (name, "SCMP_ACT_KILL_THREAD") == 0)
    *out = SCMP_ACT_KILL_THREAD;
  else if (strcmp (name, "SCMP_ACT_KILL_PROCESS") == 0)
    *out = SCMP_ACT_KILL_PROCESS;
  else if (strcmp (name, "SCMP_ACT_TRAP") == 0)
    *out = SCMP_ACT_TRAP;
  else if (strcmp (name, "SCMP_ACT_TRACE") == 0)
    *out = SCMP_ACT_TRACE (code);
  else if (strcmp (name, "SCMP_ACT_LOG") == 0)
    *out = SCMP_ACT_LOG;
  else if (strcmp (name, "SCMP_ACT_NOTIFY") == 0)
    *out = SCMP_ACT_NOTIFY;
  else
    return shim_make_error (err, EINVAL, "%s: unknown seccomp action `%s`", where, name);
  return 0;
}

static int
parse_op (const char *name, enum scmp_compare *out, shim_error_t *err)
{
  static const struct
  {
    const char *name;
    enum scmp_compare op;
  } ops[] = {
    { "SCMP_CMP_NE", SCMP_CMP_NE }, { "SCMP_CMP_LT", SCMP_CMP_LT }, { "SCMP_CMP_LE", SCMP_CMP_LE },
    { "SCMP_CMP_EQ", SCMP_CMP_EQ }, { "SCMP_CMP_GE", SCMP_CMP_GE }, { "SCMP_CMP_GT", SCMP_CMP_GT },
    { "SCMP_CMP_MASKED_EQ", SCMP_CMP_MASKED_EQ },
  };
  size_t i;

  for (i = 0; name != NULL && i < sizeof (ops) / sizeof (ops[0]); i++)
    if (strcmp (ops[i].name, name) == 0)
      {
        *out = ops[i].op;
        return 0;
      }
  return shim_make_error (err, EINVAL, "unknown seccomp operator `%s`", name ? name : "(null)");
}

static int
parse_flag (const char *name, unsigned int *flags, shim_error_t *err)
{
  if (strcmp (name, "SECCOMP_FILTER_FLAG_TSYNC") == 0)
    *flags |= SECCOMP_FILTER_FLAG_TSYNC;
  else if (strcmp (name, "SECCOMP_FILTER_FLAG_LOG") == 0)
    *flags |= SECCOMP_FILTER_FLAG_LOG;
  else if (strcmp (name, "SECCOMP_FILTER_FLAG_SPEC_ALLOW") == 0)
    *flags |= SECCOMP_FILTER_FLAG_SPEC_ALLOW;
  else if (strcmp (name, "SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV") == 0)
    *flags |= SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV;
  else
    return shim_make_error (err, EINVAL, "unknown seccomp flag `%s`", name);
  return 0;
}

/* "SCMP_ARCH_X86_64" -> libseccomp token. */
static int
parse_arch (const char *name, uint32_t *out, shim_error_t *err)
{
  char lower[32];
  size_t i;

  if (strncmp (name, "SCMP_ARCH_", 10) != 0 || strlen (name + 10) >= sizeof (lower))
    return shim_make_error (err, EINVAL, "unknown seccomp architecture `%s`", name);
  for (i = 0; name[10 + i]; i++)
    lower[i] = (char) tolower ((unsigned char) name[10 + i]);
  lower[i] = '\0';
  *out = seccomp_arch_resolve_name (lower);
  if (*out == 0)
    return shim_make_error (err, EINVAL, "unknown seccomp architecture `%s`", name);
  return 0;
}

static const char *
get_string (json_object *obj, const char *key)
{
  json_object *v = NULL;

  if (obj == NULL || ! json_object_object_get_ex (obj, key, &v) || ! json_object_is_type (v, json_type_string))
    return NULL;
  return json_object_get_string (v);
}

static json_object *
get_member (json_object *obj, const char *key)
{
  json_object *v = NULL;

  if (! json_object_object_get_ex (obj, key, &v))
    return NULL;
  return v;
}

/* ---- validation (no libseccomp compilation) ------------------------------------------------- */

static int
validate_arches_flags (json_object *profile, struct profile_s *p, shim_error_t *err)
{
  json_object *arr;
  size_t i, j;

  p->arches[0] = seccomp_arch_native ();
  p->n_arches = 1;
  arr = get_member (profile, "architectures");
  for (i = 0; arr != NULL && json_object_is_type (arr, json_type_array) && i < json_object_array_length (arr); i++)
    {
      const char *name = json_object_get_string (json_object_array_get_idx (arr, i));
      uint32_t a;
      int dup = 0;

      if (parse_arch (name ? name : "(null)", &a, err) < 0)
        return -1;
      for (j = 0; j < (size_t) p->n_arches; j++)
        dup |= p->arches[j] == a;
      if (! dup && p->n_arches < MAX_ARCHES)
        p->arches[p->n_arches++] = a;
    }

  arr = get_member (profile, "flags");
  for (i = 0; arr != NULL && json_object_is_type (arr, json_type_array) && i < json_object_array_length (arr); i++)
    {
      const char *name = json_object_get_string (json_object_array_get_idx (arr, i));

      if (parse_flag (name ? name : "(null)", &p->flags, err) < 0)
        return -1;
    }
  return 0;
}

/* Checks one syscalls[] entry: names, action, errnoRet, ops, NOTIFY rules. */
static int
validate_rule (json_object *rule, size_t idx, struct profile_s *p, shim_error_t *err)
{
  char where[64];
  json_object *names = get_member (rule, "names"), *args = get_member (rule, "args");
  const char *action_name = get_string (rule, "action");
  uint32_t action;
  size_t i;

  snprintf (where, sizeof (where), "linux.seccomp.syscalls[%zu]", idx);
  if (names == NULL || ! json_object_is_type (names, json_type_array) || json_object_array_length (names) == 0)
    return shim_make_error (err, EINVAL, "%s: `names` must be a non-empty array", where);
  if (parse_action (action_name, get_member (rule, "errnoRet"), where, &action, err) < 0)
    return -1;
  if (action == SCMP_ACT_NOTIFY)
    {
      p->notify = 1;
      for (i = 0; i < json_object_array_length (names); i++)
        if (strcmp (json_object_get_string (json_object_array_get_idx (names, i)) ?: "", "write") == 0)
          return shim_make_error (err, EINVAL, "%s: SCMP_ACT_NOTIFY cannot be used for `write` (the "
                                               "agent could deadlock)", where);
    }
  for (i = 0; args != NULL && i < json_object_array_length (args); i++)
    {
      json_object *arg = json_object_array_get_idx (args, i);
      enum scmp_compare op;
      json_object *index = get_member (arg, "index");

      if (parse_op (get_string (arg, "op"), &op, err) < 0)
        return shim_error_wrap (err, "%s.args[%zu]", where, i);
      if (index == NULL || json_object_get_int64 (index) < 0 || json_object_get_int64 (index) > 5)
        return shim_make_error (err, EINVAL, "%s.args[%zu]: index must be 0..5", where, i);
    }
  return 0;
}

static int
validate (json_object *profile, struct profile_s *p, shim_error_t *err)
{
  json_object *syscalls = get_member (profile, "syscalls"), *def_errno = get_member (profile, "defaultErrnoRet");
  size_t i;

  memset (p, 0, sizeof (*p));
  if (! json_object_is_type (profile, json_type_object))
    return shim_make_error (err, EINVAL, "linux.seccomp is not an object");
  if (parse_action (get_string (profile, "defaultAction"), def_errno, "linux.seccomp.defaultAction",
                    &p->default_action, err) < 0)
    return -1;
  if (p->default_action == SCMP_ACT_NOTIFY)
    return shim_make_error (err, EINVAL, "SCMP_ACT_NOTIFY cannot be the default action (it would "
                                         "include `write`)");
  if (validate_arches_flags (profile, p, err) < 0)
    return -1;
  if (syscalls != NULL && ! json_object_is_type (syscalls, json_type_array))
    return shim_make_error (err, EINVAL, "linux.seccomp.syscalls is not an array");
  for (i = 0; syscalls != NULL && i < json_object_array_length (syscalls); i++)
    if (validate_rule (json_object_array_get_idx (syscalls, i), i, p, err) < 0)
      return -1;

  p->listener_path = get_string (profile, "listenerPath");
  p->listener_metadata = get_string (profile, "listenerMetadata");
  if (p->notify && (p->listener_path == NULL || p->listener_path[0] == '\0'))
    return shim_make_error (err, EINVAL, "SCMP_ACT_NOTIFY requires linux.seccomp.listenerPath");
  return 0;
}

/* ---- compilation ---------------------------------------------------------------------------- */

static void
cleanup_seccomp_ctx (scmp_filter_ctx *ctx)
{
  if (*ctx != NULL)
    seccomp_release (*ctx);
}
#define cleanup_scmp __attribute__ ((cleanup (cleanup_seccomp_ctx)))

static int
add_rule_names (scmp_filter_ctx ctx, json_object *names, uint32_t action, struct scmp_arg_cmp *cmps,
                unsigned int n_cmps, shim_error_t *err)
{
  size_t i;

  for (i = 0; i < json_object_array_length (names); i++)
    {
      const char *name = json_object_get_string (json_object_array_get_idx (names, i));
      int nr = seccomp_syscall_resolve_name (name);
      int ret;

      if (nr == __NR_SCMP_ERROR)
        return shim_make_error (err, EINVAL, "unknown syscall `%s` (not known to libseccomp %u.%u.%u)",
                                name, seccomp_version ()->major, seccomp_version ()->minor,
                                seccomp_version ()->micro);
      ret = seccomp_rule_add_array (ctx, action, nr, n_cmps, cmps);
      if (UNLIKELY (ret < 0))
        return shim_make_error (err, -ret, "adding seccomp rule for `%s`", name);
    }
  return 0;
}

/* One syscalls[] entry.  As runc: the args are ANDed in one rule, unless an index repeats, in
   which case each arg becomes its own rule (ORed). */
static int
add_rule (scmp_filter_ctx ctx, json_object *rule, uint32_t default_action, shim_error_t *err)
{
  json_object *names = get_member (rule, "names"), *args = get_member (rule, "args");
  struct scmp_arg_cmp cmps[6];
  unsigned int n = 0, i;
  size_t n_args = args ? json_object_array_length (args) : 0;
  int seen[6] = { 0 }, repeated = 0;
  uint32_t action;

  if (parse_action (get_string (rule, "action"), get_member (rule, "errnoRet"), "syscalls", &action, err) < 0)
    return -1;
  if (action == default_action)
    return 0; /* libseccomp refuses rules equal to the default, and they change nothing */

  for (i = 0; i < n_args; i++)
    {
      json_object *arg = json_object_array_get_idx (args, i);
      int idx = (int) json_object_get_int64 (get_member (arg, "index"));

      repeated |= seen[idx]++;
    }
  for (i = 0; i < n_args; i++)
    {
      json_object *arg = json_object_array_get_idx (args, i);
      json_object *v2 = get_member (arg, "valueTwo");
      enum scmp_compare op;

      parse_op (get_string (arg, "op"), &op, err); /* validated already */
      cmps[n].arg = (unsigned int) json_object_get_int64 (get_member (arg, "index"));
      cmps[n].op = op;
      cmps[n].datum_a = (scmp_datum_t) json_object_get_uint64 (get_member (arg, "value"));
      cmps[n].datum_b = v2 ? (scmp_datum_t) json_object_get_uint64 (v2) : 0;
      if (repeated)
        {
          if (add_rule_names (ctx, names, action, &cmps[n], 1, err) < 0)
            return -1;
        }
      else
        n++;
    }
  if (repeated && n_args > 0)
    return 0;
  return add_rule_names (ctx, names, action, cmps, n, err);
}

/* Exports the BPF of ctx (libseccomp 2.5 can only write it to an fd). */
static int
export_bpf (scmp_filter_ctx ctx, struct sock_filter **insns, size_t *len, shim_error_t *err)
{
  cleanup_close int fd = memfd_create ("skiff-seccomp", MFD_CLOEXEC);
  struct stat st;
  int ret;

  if (UNLIKELY (fd < 0))
    return shim_make_error (err, errno, "memfd_create");
  ret = seccomp_export_bpf (ctx, fd);
  if (UNLIKELY (ret < 0))
    return shim_make_error (err, -ret, "seccomp_export_bpf");
  if (UNLIKELY (fstat (fd, &st) < 0))
    return shim_make_error (err, errno, "fstat");
  if (st.st_size == 0 || st.st_size % sizeof (struct sock_filter) != 0)
    return shim_make_error (err, EINVAL, "seccomp_export_bpf wrote %lld bytes", (long long) st.st_size);
  *insns = xmalloc (st.st_size);
  if (UNLIKELY (pread (fd, *insns, st.st_size, 0) != st.st_size))
    {
      free (*insns);
      return shim_make_error (err, errno ? errno : EIO, "reading the exported seccomp program");
    }
  *len = st.st_size / sizeof (struct sock_filter);
  return 0;
}

/* Highest syscall number libseccomp knows for arch, or 0 when we do not stub this arch. */
static uint32_t
max_known_syscall (uint32_t arch)
{
  uint32_t base = arch == SCMP_ARCH_X32 ? X32_SYSCALL_BIT : 0, n, max = 0;

  switch (arch)
    {
    case SCMP_ARCH_X86: case SCMP_ARCH_X86_64: case SCMP_ARCH_X32: case SCMP_ARCH_AARCH64:
    case SCMP_ARCH_RISCV64: case SCMP_ARCH_PPC: case SCMP_ARCH_PPC64: case SCMP_ARCH_PPC64LE:
    case SCMP_ARCH_S390: case SCMP_ARCH_S390X:
      break;
    default:
      return 0;
    }
  for (n = base; n < base + 1024; n++) /* every arch listed above numbers below 1024 */
    {
      char *name = seccomp_syscall_resolve_num_arch (arch, (int) n);

      if (name != NULL)
        {
          max = n;
          free (name);
        }
    }
  return max;
}

static int
has_arch (const struct profile_s *p, uint32_t arch)
{
  int i;

  for (i = 0; i < p->n_arches; i++)
    if (p->arches[i] == arch)
      return 1;
  return 0;
}

/* Builds the ENOSYS stub (see the top of this file).  Returns its length (0 = no stub). */
static size_t
build_enosys_stub (const struct profile_s *p, struct sock_filter *stub /* >= 6 * MAX_ARCHES + 2 */)
{
  size_t n = 0, end, i;
  size_t jgt_at[2 * MAX_ARCHES], n_jgt = 0, jeq_at[MAX_ARCHES], n_jeq = 0;
  int a;

  if (p->default_action == SCMP_ACT_ALLOW || p->default_action == SCMP_ACT_LOG)
    return 0;
  for (a = 0; a < p->n_arches; a++)
    {
      uint32_t arch = p->arches[a], max;

      if (arch == SCMP_ARCH_X32 && has_arch (p, SCMP_ARCH_X86_64))
        continue; /* handled in the x86_64 group: both use AUDIT_ARCH_X86_64 */
      max = max_known_syscall (arch);
      if (max == 0)
        continue;
      stub[n++] = (struct sock_filter) BPF_STMT (BPF_LD | BPF_W | BPF_ABS, offsetof (struct seccomp_data, arch));
      jeq_at[n_jeq++] = n;
      stub[n++] = (struct sock_filter) BPF_JUMP (BPF_JMP | BPF_JEQ | BPF_K, arch == SCMP_ARCH_X32 ? SCMP_ARCH_X86_64 : arch, 0, 0);
      stub[n++] = (struct sock_filter) BPF_STMT (BPF_LD | BPF_W | BPF_ABS, offsetof (struct seccomp_data, nr));
      if (arch == SCMP_ARCH_X86_64)
        {
          uint32_t max32 = has_arch (p, SCMP_ARCH_X32) ? max_known_syscall (SCMP_ARCH_X32) : 0xffffffffU;

          stub[n++] = (struct sock_filter) BPF_JUMP (BPF_JMP | BPF_JSET | BPF_K, X32_SYSCALL_BIT, 1, 0);
          jgt_at[n_jgt++] = n;
          stub[n++] = (struct sock_filter) BPF_JUMP (BPF_JMP | BPF_JGT | BPF_K, max, 0, 0);
          jgt_at[n_jgt++] = n;
          stub[n++] = (struct sock_filter) BPF_JUMP (BPF_JMP | BPF_JGT | BPF_K, max32, 0, 0);
        }
      else
        {
          jgt_at[n_jgt++] = n;
          stub[n++] = (struct sock_filter) BPF_JUMP (BPF_JMP | BPF_JGT | BPF_K, max, 0, 0);
        }
      stub[jeq_at[n_jeq - 1]].jf = (uint8_t) (n - jeq_at[n_jeq - 1] - 1); /* to the next group */
    }
  if (n == 0)
    return 0;
  stub[n++] = (struct sock_filter) BPF_JUMP (BPF_JMP | BPF_JA, 1, 0, 0);
  stub[n++] = (struct sock_filter) BPF_STMT (BPF_RET | BPF_K, SECCOMP_RET_ERRNO | (ENOSYS & SECCOMP_RET_DATA));
  end = n; /* first instruction of libseccomp's program; end - 1 returns ENOSYS */
  for (i = 0; i < n_jgt; i++)
    {
      stub[jgt_at[i]].jt = (uint8_t) (end - 1 - jgt_at[i] - 1);
      stub[jgt_at[i]].jf = (uint8_t) (end - jgt_at[i] - 1);
    }
  return n;
}

static int
compile (json_object *profile, const struct profile_s *p, shim_seccomp_t *s, shim_error_t *err)
{
  cleanup_scmp scmp_filter_ctx ctx = seccomp_init (p->default_action);
  json_object *syscalls = get_member (profile, "syscalls");
  struct sock_filter stub[6 * MAX_ARCHES + 2], *prog = NULL;
  size_t i, prog_len = 0, stub_len;
  int a, ret;

  if (UNLIKELY (ctx == NULL))
    return shim_make_error (err, ENOMEM, "seccomp_init");
  for (a = 1; a < p->n_arches; a++)
    {
      ret = seccomp_arch_add (ctx, p->arches[a]);
      if (UNLIKELY (ret < 0 && ret != -EEXIST))
        return shim_make_error (err, -ret, "adding seccomp architecture 0x%x", p->arches[a]);
    }
  for (i = 0; syscalls != NULL && i < json_object_array_length (syscalls); i++)
    if (add_rule (ctx, json_object_array_get_idx (syscalls, i), p->default_action, err) < 0)
      return shim_error_wrap (err, "linux.seccomp.syscalls[%zu]", i);
  if (export_bpf (ctx, &prog, &prog_len, err) < 0)
    return -1;

  stub_len = build_enosys_stub (p, stub);
  if (stub_len + prog_len > BPF_MAXINSNS)
    {
      free (prog);
      return shim_make_error (err, E2BIG, "seccomp program has %zu instructions (max %d)",
                              stub_len + prog_len, BPF_MAXINSNS);
    }
  s->insns = xmalloc ((stub_len + prog_len) * sizeof (struct sock_filter));
  memcpy (s->insns, stub, stub_len * sizeof (struct sock_filter));
  memcpy (s->insns + stub_len, prog, prog_len * sizeof (struct sock_filter));
  s->len = (unsigned short) (stub_len + prog_len);
  free (prog);
  return 0;
}

/* ---- cache ---------------------------------------------------------------------------------- */

struct strbuf_s
{
  char *data;
  size_t len, cap;
};

static void
sb_add (struct strbuf_s *b, const char *s, size_t n)
{
  if (b->len + n + 1 > b->cap)
    {
      b->cap = (b->len + n + 1) * 2;
      b->data = xrealloc (b->data, b->cap);
    }
  memcpy (b->data + b->len, s, n);
  b->len += n;
  b->data[b->len] = '\0';
}

static int
cmp_keys (const void *a, const void *b)
{
  return strcmp (*(const char *const *) a, *(const char *const *) b);
}

/* JSON with object keys sorted and no whitespace, so equal profiles hash equally. */
static void
canonical_json (json_object *o, struct strbuf_s *b)
{
  const char *s;

  if (json_object_is_type (o, json_type_object))
    {
      size_t n = 0, i;
      const char **keys = xmalloc ((json_object_object_length (o) + 1) * sizeof (char *));

      json_object_object_foreach (o, key, val)
        {
          (void) val;
          keys[n++] = key;
        }
      qsort (keys, n, sizeof (char *), cmp_keys);
      sb_add (b, "{", 1);
      for (i = 0; i < n; i++)
        {
          json_object *k = json_object_new_string (keys[i]);

          s = json_object_to_json_string_ext (k, JSON_C_TO_STRING_PLAIN);
          sb_add (b, i ? "," : "", i ? 1 : 0);
          sb_add (b, s, strlen (s));
          sb_add (b, ":", 1);
          json_object_put (k);
          canonical_json (get_member (o, keys[i]), b);
        }
      sb_add (b, "}", 1);
      free (keys);
    }
  else if (json_object_is_type (o, json_type_array))
    {
      size_t i;

      sb_add (b, "[", 1);
      for (i = 0; i < json_object_array_length (o); i++)
        {
          sb_add (b, i ? "," : "", i ? 1 : 0);
          canonical_json (json_object_array_get_idx (o, i), b);
        }
      sb_add (b, "]", 1);
    }
  else
    {
      s = json_object_to_json_string_ext (o, JSON_C_TO_STRING_PLAIN);
      sb_add (b, s, strlen (s));
    }
}

/* The version alone is not enough: distributions patch new syscalls into the table of the same
   version (Debian's 2.5.4-1+deb12u1 knows futex_requeue), which changes the ENOSYS threshold.
   So the key also covers the identity of the libseccomp file actually loaded (one stat). */
static void
libseccomp_identity (char *out, size_t size)
{
  Dl_info info;
  struct stat st;

  if (dladdr ((void *) seccomp_version, &info) && info.dli_fname && stat (info.dli_fname, &st) == 0)
    snprintf (out, size, "%s:%lld:%lld.%09ld:%llu", info.dli_fname, (long long) st.st_size,
              (long long) st.st_mtim.tv_sec, st.st_mtim.tv_nsec, (unsigned long long) st.st_ino);
  else
    snprintf (out, size, "unknown");
}

static void
cache_key (json_object *profile, uint8_t key[32])
{
  const struct scmp_version *v = seccomp_version ();
  struct strbuf_s b = { NULL, 0, 0 };
  char tail[PATH_MAX + 160], lib[PATH_MAX + 96];
  shim_sha256_t ctx;
  int n;

  canonical_json (profile, &b);
  libseccomp_identity (lib, sizeof (lib));
  n = snprintf (tail, sizeof (tail), "libseccomp %u.%u.%u %s%carch 0x%x", v->major, v->minor, v->micro, lib, 0,
                seccomp_arch_native ());
  if (n < 0 || (size_t) n >= sizeof (tail))
    n = (int) strlen (tail);
  shim_sha256_init (&ctx);
  shim_sha256_update (&ctx, "skiff-seccomp-v1", sizeof ("skiff-seccomp-v1")); /* with its NUL */
  shim_sha256_update (&ctx, b.data, b.len + 1);
  shim_sha256_update (&ctx, tail, (size_t) n);
  shim_sha256_final (&ctx, key);
  free (b.data);
}

static char *
cache_path (const char *cache_dir, const uint8_t key[32])
{
  char hex[65];
  char *path = NULL;
  int i;

  for (i = 0; i < 32; i++)
    sprintf (hex + 2 * i, "%02x", key[i]);
  xasprintf (&path, "%s/%s.bpf", cache_dir, hex);
  return path;
}

/* Returns 1 on a valid hit, 0 on a miss (absent, truncated or foreign file). */
static int
cache_load (const char *path, const uint8_t key[32], shim_seccomp_t *s)
{
  cleanup_close int fd = open (path, O_RDONLY | O_CLOEXEC);
  uint8_t header[CACHE_HEADER_SIZE];
  uint32_t format, count;
  struct stat st;

  if (fd < 0 || fstat (fd, &st) < 0)
    return 0;
  if (shim_read_all (fd, header, sizeof (header)) != (ssize_t) sizeof (header))
    return 0;
  memcpy (&format, header + 8, 4);
  memcpy (&count, header + 12, 4);
  if (memcmp (header, CACHE_MAGIC, 8) != 0 || format != CACHE_FORMAT || memcmp (header + 16, key, 32) != 0
      || count == 0 || count > BPF_MAXINSNS
      || (uint64_t) st.st_size != CACHE_HEADER_SIZE + (uint64_t) count * sizeof (struct sock_filter))
    return 0;
  s->insns = xmalloc (count * sizeof (struct sock_filter));
  if (shim_read_all (fd, s->insns, count * sizeof (struct sock_filter))
      != (ssize_t) (count * sizeof (struct sock_filter)))
    {
      free (s->insns);
      s->insns = NULL;
      return 0;
    }
  s->len = (unsigned short) count;
  return 1;
}

/* Best effort: the cache is an optimisation, a failure to write it must not fail the container. */
static void
cache_store (const char *cache_dir, const char *path, const uint8_t key[32], const shim_seccomp_t *s)
{
  size_t size = CACHE_HEADER_SIZE + (size_t) s->len * sizeof (struct sock_filter);
  cleanup_free uint8_t *buf = xmalloc (size);
  uint32_t format = CACHE_FORMAT, count = s->len;
  shim_error_t err = NULL;

  if (mkdir (cache_dir, 0700) < 0 && errno != EEXIST)
    return;
  memcpy (buf, CACHE_MAGIC, 8);
  memcpy (buf + 8, &format, 4);
  memcpy (buf + 12, &count, 4);
  memcpy (buf + 16, key, 32);
  memcpy (buf + CACHE_HEADER_SIZE, s->insns, (size_t) s->len * sizeof (struct sock_filter));
  if (shim_write_file_atomic (path, (const char *) buf, size, &err) < 0)
    shim_error_release (&err);
}

/* ---- public --------------------------------------------------------------------------------- */

static int
connect_listener (const char *path, shim_error_t *err)
{
  struct sockaddr_un addr = { .sun_family = AF_UNIX };
  cleanup_close int fd = -1;

  if (strlen (path) >= sizeof (addr.sun_path))
    return shim_make_error (err, ENAMETOOLONG, "seccomp listenerPath `%s`", path);
  strcpy (addr.sun_path, path);
  fd = socket (AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (UNLIKELY (fd < 0))
    return shim_make_error (err, errno, "socket");
  if (UNLIKELY (connect (fd, (struct sockaddr *) &addr, sizeof (addr)) < 0))
    return shim_make_error (err, errno, "connecting to seccomp listener `%s`", path);
  return get_and_reset (&fd);
}

int
shim_seccomp_prepare (json_object *linux_seccomp, const char *cache_dir, shim_seccomp_t **out,
                      shim_error_t *err)
{
  struct profile_s p;
  uint8_t key[32];
  cleanup_free char *path = NULL;
  shim_seccomp_t *s;

  *out = NULL;
  if (linux_seccomp == NULL)
    return 0;
  if (validate (linux_seccomp, &p, err) < 0)
    return shim_error_wrap (err, "invalid seccomp profile");

  s = xmalloc0 (sizeof (*s));
  s->listener_fd = -1;
  s->flags = p.flags;
  if (cache_dir != NULL)
    {
      cache_key (linux_seccomp, key);
      path = cache_path (cache_dir, key);
      s->from_cache = cache_load (path, key, s);
    }
  if (! s->from_cache)
    {
      if (compile (linux_seccomp, &p, s, err) < 0)
        {
          shim_seccomp_free (s);
          return shim_error_wrap (err, "invalid seccomp profile");
        }
      if (cache_dir != NULL)
        cache_store (cache_dir, path, key, s);
    }
  if (p.notify)
    {
      /* Connect now, in the parent: listenerPath is a host path the init cannot see after
         pivot_root.  The init inherits the connected socket across clone. */
      s->listener_fd = connect_listener (p.listener_path, err);
      if (s->listener_fd < 0)
        {
          shim_seccomp_free (s);
          return -1;
        }
      s->listener_metadata = xstrdup (p.listener_metadata ? p.listener_metadata : "");
    }
  *out = s;
  return 0;
}

/* The OCI "ContainerProcessState" sent with the listener fd.  Built BEFORE the filter is loaded,
   so that after loading only sendmsg(2) and close(2) are needed. */
static char *
listener_message (shim_seccomp_t *s)
{
  json_object *msg = json_object_new_object (), *fds = json_object_new_array ();
  json_object *state = s->oci_state ? json_tokener_parse (s->oci_state) : NULL, *pid = NULL;
  char *text;

  if (state == NULL)
    {
      state = json_object_new_object ();
      json_object_object_add (state, "ociVersion", json_object_new_string ("1.0.2"));
      json_object_object_add (state, "status", json_object_new_string ("creating"));
      json_object_object_add (state, "pid", json_object_new_int (getpid ()));
    }
  json_object_array_add (fds, json_object_new_string ("seccompFd"));
  json_object_object_add (msg, "ociVersion", json_object_new_string ("1.0.2"));
  json_object_object_add (msg, "fds", fds);
  if (json_object_object_get_ex (state, "pid", &pid))
    json_object_object_add (msg, "pid", json_object_get (pid));
  json_object_object_add (msg, "metadata", json_object_new_string (s->listener_metadata));
  json_object_object_add (msg, "state", state);
  text = xstrdup (json_object_to_json_string_ext (msg, JSON_C_TO_STRING_PLAIN));
  json_object_put (msg);
  return text;
}

static int
send_listener_fd (int sock, const char *text, int notify_fd, shim_error_t *err)
{
  char cbuf[CMSG_SPACE (sizeof (int))];
  struct iovec iov = { .iov_base = (void *) text, .iov_len = strlen (text) };
  struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = cbuf, .msg_controllen = sizeof (cbuf) };
  struct cmsghdr *cm;
  ssize_t ret;

  memset (cbuf, 0, sizeof (cbuf));
  cm = CMSG_FIRSTHDR (&mh);
  cm->cmsg_level = SOL_SOCKET;
  cm->cmsg_type = SCM_RIGHTS;
  cm->cmsg_len = CMSG_LEN (sizeof (int));
  memcpy (CMSG_DATA (cm), &notify_fd, sizeof (int));
  do
    ret = sendmsg (sock, &mh, MSG_NOSIGNAL);
  while (ret < 0 && errno == EINTR);
  if (UNLIKELY (ret < 0))
    return shim_make_error (err, errno, "sending the seccomp listener fd");
  return 0;
}

int
shim_seccomp_set_oci_state (shim_seccomp_t *s, json_object *state)
{
  if (s == NULL || state == NULL)
    return 0;
  free (s->oci_state);
  s->oci_state = xstrdup (json_object_to_json_string_ext (state, JSON_C_TO_STRING_PLAIN));
  return 0;
}

int
shim_set_seccomp (shim_seccomp_t *s, shim_error_t *err)
{
  struct sock_fprog prog;
  unsigned int flags;
  cleanup_close int notify_fd = -1;
  cleanup_free char *message = NULL;
  long ret;

  if (s == NULL)
    return 0;
  prog.len = s->len;
  prog.filter = s->insns;
  flags = s->flags;
  if (s->listener_fd >= 0)
    {
      flags |= SECCOMP_FILTER_FLAG_NEW_LISTENER;
      if (flags & SECCOMP_FILTER_FLAG_TSYNC)
        flags |= SECCOMP_FILTER_FLAG_TSYNC_ESRCH; /* TSYNC alone is refused with NEW_LISTENER */
      message = listener_message (s);
    }
  ret = syscall (SYS_seccomp, SECCOMP_SET_MODE_FILTER, flags, &prog);
  if (UNLIKELY (ret < 0))
    return shim_make_error (err, errno, "loading the seccomp filter (flags 0x%x)", flags);
  if (s->listener_fd < 0)
    return 0;

  notify_fd = (int) ret;
  ret = send_listener_fd (s->listener_fd, message, notify_fd, err);
  close (s->listener_fd);
  s->listener_fd = -1;
  return ret < 0 ? -1 : 0;
}

void
shim_seccomp_free (shim_seccomp_t *s)
{
  if (s == NULL)
    return;
  if (s->listener_fd >= 0)
    close (s->listener_fd);
  free (s->listener_metadata);
  free (s->oci_state);
  free (s->insns);
  free (s);
}
