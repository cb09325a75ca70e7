/* test_spec.c -- TAP tests of the JSON -> setup translation in spec.c, namespaces.c, userns.c
 * and process.c (validation only: nothing here touches the host). */
#define _GNU_SOURCE
#include <sched.h>
#include <stdlib.h>
#include <sys/mount.h>
#include <sys/resource.h>

#include "namespaces.h"
#include "process.h"
#include "spec.h"
#include "tap.h"
#include "userns.h"

static shim_mount_opts_t
parse (const char *json, int *ret)
{
  json_object *o = json_tokener_parse (json);
  shim_mount_opts_t m;
  shim_error_t err = NULL;

  *ret = shim_mount_options_parse (o, &m, &err);
  shim_error_release (&err);
  json_object_put (o);
  return m;
}

static void
test_mount_options (void)
{
  int r;
  shim_mount_opts_t m;

  m = parse ("[\"rbind\",\"ro\",\"nosuid\",\"nodev\",\"noexec\"]", &r);
  OK (r == 0 && m.flags == (MS_BIND | MS_REC | MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC) && m.recursive
          && m.data == NULL,
      "rbind,ro,nosuid,nodev,noexec -> flags, recursive, no data");
  shim_mount_opts_free (&m);

  m = parse ("[\"ro\",\"rw\"]", &r);
  OK (r == 0 && !(m.flags & MS_RDONLY) && (m.clear & MS_RDONLY), "a later rw clears ro");
  shim_mount_opts_free (&m);

  m = parse ("[\"nosuid\",\"mode=1777\",\"size=65536k\"]", &r);
  OK (r == 0 && m.flags == MS_NOSUID && STREQ (m.data, "mode=1777,size=65536k"),
      "tmpfs size/mode go to the data string in order");
  shim_mount_opts_free (&m);

  m = parse ("[\"bind\",\"rprivate\"]", &r);
  OK (r == 0 && m.flags == MS_BIND && !m.recursive && m.propagation == (MS_PRIVATE | MS_REC),
      "bind + rprivate -> propagation flag kept apart");
  shim_mount_opts_free (&m);

  m = parse ("[\"noatime\",\"strictatime\",\"nodiratime\"]", &r);
  OK (r == 0 && m.flags == (MS_NOATIME | MS_STRICTATIME | MS_NODIRATIME), "atime options");
  shim_mount_opts_free (&m);

  m = parse ("[1]", &r);
  OK (r < 0, "a non-string option is an error");
  m = parse ("\"ro\"", &r);
  OK (r < 0, "options that are not an array are an error");
  m = parse ("[]", &r);
  OK (r == 0 && m.flags == 0 && m.data == NULL, "empty options");
}

static void
test_namespaces (void)
{
  json_object *o;
  struct shim_ns_join_s joins[8];
  shim_error_t err = NULL;
  int flags, n, r;

  OK (shim_namespace_flag ("user") == CLONE_NEWUSER && shim_namespace_flag ("mount") == CLONE_NEWNS
          && shim_namespace_flag ("pid") == CLONE_NEWPID && shim_namespace_flag ("network") == CLONE_NEWNET
          && shim_namespace_flag ("uts") == CLONE_NEWUTS && shim_namespace_flag ("ipc") == CLONE_NEWIPC
          && shim_namespace_flag ("cgroup") == CLONE_NEWCGROUP,
      "OCI namespace types map to CLONE_NEW* flags");
  OK (shim_namespace_flag ("net") == -1 && shim_namespace_flag ("") == -1 && shim_namespace_flag (NULL) == -1,
      "unknown types (net, empty, NULL) are -1");

  o = json_tokener_parse (
      "[{\"type\":\"pid\"},{\"type\":\"network\",\"path\":\"/proc/1/ns/net\"},{\"type\":\"mount\"}]");
  r = shim_namespaces_parse (o, &flags, joins, &n, 8, &err);
  OK (r == 0 && flags == (CLONE_NEWPID | CLONE_NEWNS) && n == 1 && joins[0].flag == CLONE_NEWNET
          && STREQ (joins[0].path, "/proc/1/ns/net"),
      "path entries become joins, the rest clone flags");
  if (r == 0)
    free (joins[0].path);
  json_object_put (o);

  o = json_tokener_parse ("[{\"type\":\"bogus\"}]");
  r = shim_namespaces_parse (o, &flags, joins, &n, 8, &err);
  OK (r < 0 && err && err->status == EINVAL && strstr (err->msg, "unknown namespace type `bogus`"),
      "unknown namespace type: EINVAL naming it (%s)", err ? err->msg : "");
  shim_error_release (&err);
  json_object_put (o);

  o = json_tokener_parse ("[{\"type\":\"time\"}]");
  r = shim_namespaces_parse (o, &flags, joins, &n, 8, &err);
  OK (r < 0 && err && err->status == ENOTSUP && strstr (err->msg, "`time` is not supported"),
      "time namespace: refused as unsupported, not as unknown");
  shim_error_release (&err);
  json_object_put (o);

  o = json_tokener_parse ("[{\"type\":\"pid\"},{\"type\":\"pid\"}]");
  r = shim_namespaces_parse (o, &flags, joins, &n, 8, &err);
  OK (r < 0 && err && strstr (err->msg, "duplicate"), "duplicate namespace: error");
  shim_error_release (&err);
  json_object_put (o);
}

static int
validate_maps (const char *json, int new_userns, char *msg, size_t size)
{
  json_object *o = json_tokener_parse (json);
  shim_error_t err = NULL;
  int r = shim_id_maps_validate (o, new_userns, &err);

  snprintf (msg, size, "%s", err ? err->msg : "");
  shim_error_release (&err);
  json_object_put (o);
  return r;
}

static void
test_id_maps (void)
{
  char msg[256];
  const char *good = "{\"linux\":{\"uidMappings\":[{\"containerID\":0,\"hostID\":1000,\"size\":1},"
                     "{\"containerID\":1,\"hostID\":100000,\"size\":65535}],"
                     "\"gidMappings\":[{\"containerID\":0,\"hostID\":1000,\"size\":65536}]}}";

  OK (validate_maps (good, 1, msg, sizeof (msg)) == 0, "valid uid/gid maps");
  OK (validate_maps (good, 0, msg, sizeof (msg)) < 0 && strstr (msg, "no new user namespace"),
      "maps without a user namespace: error");
  OK (validate_maps ("{\"linux\":{}}", 1, msg, sizeof (msg)) < 0, "user namespace without maps: error");
  OK (validate_maps ("{\"linux\":{\"uidMappings\":[{\"containerID\":0,\"hostID\":1,\"size\":0}],"
                     "\"gidMappings\":[{\"containerID\":0,\"hostID\":1,\"size\":1}]}}",
                     1, msg, sizeof (msg))
              < 0
          && strstr (msg, "uidMappings[0]: invalid mapping"),
      "size 0: invalid mapping naming the entry (%s)", msg);
  OK (validate_maps ("{\"linux\":{\"uidMappings\":[{\"containerID\":-1,\"hostID\":1,\"size\":1}],"
                     "\"gidMappings\":[{\"containerID\":0,\"hostID\":1,\"size\":1}]}}",
                     1, msg, sizeof (msg))
          < 0,
      "negative containerID: invalid");
  OK (validate_maps ("{\"linux\":{\"uidMappings\":[{\"containerID\":0,\"hostID\":4294967290,\"size\":100}],"
                     "\"gidMappings\":[{\"containerID\":0,\"hostID\":1,\"size\":1}]}}",
                     1, msg, sizeof (msg))
          < 0,
      "range overflowing 32 bits: invalid");
  OK (validate_maps ("{\"linux\":{\"uidMappings\":[{\"containerID\":\"0\",\"hostID\":1,\"size\":1}],"
                     "\"gidMappings\":[{\"containerID\":0,\"hostID\":1,\"size\":1}]}}",
                     1, msg, sizeof (msg))
          < 0,
      "string containerID: invalid");
}

static void
test_rlimits (void)
{
  json_object *o;
  shim_error_t err = NULL;

  OK (shim_rlimit_resource ("RLIMIT_NOFILE") == RLIMIT_NOFILE
          && shim_rlimit_resource ("RLIMIT_NPROC") == RLIMIT_NPROC
          && shim_rlimit_resource ("RLIMIT_CORE") == RLIMIT_CORE
          && shim_rlimit_resource ("RLIMIT_RTTIME") == RLIMIT_RTTIME,
      "rlimit names map to RLIMIT_*");
  OK (shim_rlimit_resource ("NOFILE") == -1 && shim_rlimit_resource ("rlimit_nofile") == -1,
      "names are exact and case-sensitive");

  o = json_tokener_parse ("[{\"type\":\"RLIMIT_NOFILE\",\"soft\":10,\"hard\":20}]");
  OK (shim_rlimits_validate (o, &err) == 0, "valid rlimits");
  json_object_put (o);
  o = json_tokener_parse ("[{\"type\":\"RLIMIT_FOO\",\"soft\":10,\"hard\":20}]");
  OK (shim_rlimits_validate (o, &err) < 0 && err->status == EINVAL && strstr (err->msg, "RLIMIT_FOO"),
      "unknown rlimit: EINVAL naming it (%s)", err ? err->msg : "");
  shim_error_release (&err);
  json_object_put (o);
  o = json_tokener_parse ("[{\"type\":\"RLIMIT_NOFILE\",\"soft\":30,\"hard\":20}]");
  OK (shim_rlimits_validate (o, &err) < 0 && strstr (err->msg, "soft 30 above hard 20"),
      "soft > hard: error");
  shim_error_release (&err);
  json_object_put (o);
}

static void
test_spec_get (void)
{
  json_object *o = json_tokener_parse ("{\"process\":{\"user\":{\"uid\":5},\"cwd\":\"/x\"},\"a\":1}");

  OK (STREQ (shim_spec_get_string (o, "process.cwd"), "/x"), "dotted path lookup");
  OK (json_object_get_int (shim_spec_get (o, "process.user.uid")) == 5, "nested lookup");
  OK (shim_spec_get (o, "process.nope") == NULL && shim_spec_get (o, "a.b") == NULL
          && shim_spec_get_string (o, "a") == NULL,
      "absent / non-object / non-string lookups are NULL");
  json_object_put (o);
}

int
main (void)
{
  test_mount_options ();
  test_namespaces ();
  test_id_maps ();
  test_rlimits ();
  test_spec_get ();
  return tap_done ();
}
