/* spec.c -- config.json loading and pure translation of its pieces (see spec.h). */
#define _GNU_SOURCE
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/resource.h>
#include <unistd.h>

#include "spec.h"
#include "utils.h"

/* ociVersion, when given, must be a 1.x.y SemVer string: a spec of another major version (or
   garbage) is refused rather than half understood. */
static int
check_oci_version (json_object *spec, const char *path, shim_error_t *err)
{
  json_object *v;
  const char *s;
  int major, minor, patch, n = 0;

  if (!json_object_object_get_ex (spec, "ociVersion", &v) || v == NULL)
    return 0;
  s = json_object_is_type (v, json_type_string) ? json_object_get_string (v) : "";
  if (s[0] != '1' || sscanf (s, "%d.%d.%d%n", &major, &minor, &patch, &n) != 3 || major != 1 || minor < 0
      || patch < 0 || (s[n] != '\0' && s[n] != '-' && s[n] != '+'))
    return shim_make_error (err, EINVAL, "%s: unsupported ociVersion `%s` (want 1.x.y)", path,
                            json_object_get_string (v));
  return 0;
}

int
shim_spec_load (const char *bundle, json_object **out, shim_error_t *err)
{
  cleanup_free char *path = NULL;
  json_object *spec;

  xasprintf (&path, "%s/config.json", bundle);
  spec = json_object_from_file (path);
  if (spec == NULL)
    {
      if (access (path, R_OK) < 0)
        return shim_make_error (err, errno, "reading `%s`", path);
      return shim_make_error (err, EINVAL, "parsing `%s`: %s", path, json_util_get_last_err ());
    }
  if (!json_object_is_type (spec, json_type_object))
    {
      json_object_put (spec);
      return shim_make_error (err, EINVAL, "`%s` is not a JSON object", path);
    }
  if (check_oci_version (spec, path, err) < 0)
    {
      json_object_put (spec);
      return -1;
    }
  *out = spec;
  return 0;
}

json_object *
shim_spec_get (json_object *root, const char *dotted_path)
{
  char key[128];
  const char *p = dotted_path;
  json_object *cur = root;

  while (cur && *p)
    {
      const char *dot = strchr (p, '.');
      size_t n = dot ? (size_t)(dot - p) : strlen (p);
      if (n >= sizeof (key) || !json_object_is_type (cur, json_type_object))
        return NULL;
      memcpy (key, p, n);
      key[n] = '\0';
      if (!json_object_object_get_ex (cur, key, &cur))
        return NULL;
      p += n + (dot ? 1 : 0);
    }
  return cur;
}

const char *
shim_spec_get_string (json_object *root, const char *dotted_path)
{
  json_object *o = shim_spec_get (root, dotted_path);
  if (o == NULL || !json_object_is_type (o, json_type_string))
    return NULL;
  return json_object_get_string (o);
}

int
shim_namespace_flag (const char *type)
{
  static const struct
  {
    const char *name;
    int flag;
  } table[] = {
    { "user", CLONE_NEWUSER },     { "mount", CLONE_NEWNS }, { "pid", CLONE_NEWPID },
    { "uts", CLONE_NEWUTS },       { "ipc", CLONE_NEWIPC },  { "network", CLONE_NEWNET },
    { "cgroup", CLONE_NEWCGROUP },
  };
  size_t i;

  if (type == NULL)
    return -1;
  for (i = 0; i < sizeof (table) / sizeof (table[0]); i++)
    if (strcmp (table[i].name, type) == 0)
      return table[i].flag;
  return -1;
}

int
shim_rlimit_resource (const char *name)
{
  static const struct
  {
    const char *name;
    int resource;
  } table[] = {
    { "RLIMIT_AS", RLIMIT_AS },
    { "RLIMIT_CORE", RLIMIT_CORE },
    { "RLIMIT_CPU", RLIMIT_CPU },
    { "RLIMIT_DATA", RLIMIT_DATA },
    { "RLIMIT_FSIZE", RLIMIT_FSIZE },
    { "RLIMIT_LOCKS", RLIMIT_LOCKS },
    { "RLIMIT_MEMLOCK", RLIMIT_MEMLOCK },
    { "RLIMIT_MSGQUEUE", RLIMIT_MSGQUEUE },
    { "RLIMIT_NICE", RLIMIT_NICE },
    { "RLIMIT_NOFILE", RLIMIT_NOFILE },
    { "RLIMIT_NPROC", RLIMIT_NPROC },
    { "RLIMIT_RSS", RLIMIT_RSS },
    { "RLIMIT_RTPRIO", RLIMIT_RTPRIO },
    { "RLIMIT_RTTIME", RLIMIT_RTTIME },
    { "RLIMIT_SIGPENDING", RLIMIT_SIGPENDING },
    { "RLIMIT_STACK", RLIMIT_STACK },
  };
  size_t i;

  if (name == NULL)
    return -1;
  for (i = 0; i < sizeof (table) / sizeof (table[0]); i++)
    if (strcmp (table[i].name, name) == 0)
      return table[i].resource;
  return -1;
}

static const struct
{
  const char *name;
  int clear; /* 1: option clears the flag */
  unsigned long flag;
} mount_flag_table[] = {
  { "ro", 0, MS_RDONLY },
  { "rw", 1, MS_RDONLY },
  { "nosuid", 0, MS_NOSUID },
  { "suid", 1, MS_NOSUID },
  { "nodev", 0, MS_NODEV },
  { "dev", 1, MS_NODEV },
  { "noexec", 0, MS_NOEXEC },
  { "exec", 1, MS_NOEXEC },
  { "sync", 0, MS_SYNCHRONOUS },
  { "async", 1, MS_SYNCHRONOUS },
  { "dirsync", 0, MS_DIRSYNC },
  { "remount", 0, MS_REMOUNT },
  { "mand", 0, MS_MANDLOCK },
  { "nomand", 1, MS_MANDLOCK },
  { "atime", 1, MS_NOATIME },
  { "noatime", 0, MS_NOATIME },
  { "diratime", 1, MS_NODIRATIME },
  { "nodiratime", 0, MS_NODIRATIME },
  { "relatime", 0, MS_RELATIME },
  { "norelatime", 1, MS_RELATIME },
  { "strictatime", 0, MS_STRICTATIME },
  { "nostrictatime", 1, MS_STRICTATIME },
  { "bind", 0, MS_BIND },
  { "rbind", 0, MS_BIND | MS_REC },
};

static const struct
{
  const char *name;
  unsigned long flag;
} propagation_table[] = {
  { "private", MS_PRIVATE },       { "rprivate", MS_PRIVATE | MS_REC },
  { "slave", MS_SLAVE },           { "rslave", MS_SLAVE | MS_REC },
  { "shared", MS_SHARED },         { "rshared", MS_SHARED | MS_REC },
  { "unbindable", MS_UNBINDABLE }, { "runbindable", MS_UNBINDABLE | MS_REC },
};

static void
append_data (char **data, const char *opt)
{
  char *n;

  if (*data == NULL)
    {
      *data = xstrdup (opt);
      return;
    }
  xasprintf (&n, "%s,%s", *data, opt);
  free (*data);
  *data = n;
}

int
shim_mount_options_parse (json_object *options, shim_mount_opts_t *out, shim_error_t *err)
{
  size_t i, n;

  memset (out, 0, sizeof (*out));
  if (options == NULL)
    return 0;
  if (!json_object_is_type (options, json_type_array))
    return shim_make_error (err, EINVAL, "mount options must be an array of strings");
  n = json_object_array_length (options);
  for (i = 0; i < n; i++)
    {
      json_object *o = json_object_array_get_idx (options, i);
      const char *opt;
      size_t k;
      int found = 0;

      if (!json_object_is_type (o, json_type_string))
        return shim_make_error (err, EINVAL, "mount option %zu is not a string", i);
      opt = json_object_get_string (o);
      for (k = 0; !found && k < sizeof (mount_flag_table) / sizeof (mount_flag_table[0]); k++)
        if (strcmp (opt, mount_flag_table[k].name) == 0)
          {
            found = 1;
            if (mount_flag_table[k].clear)
              {
                out->flags &= ~mount_flag_table[k].flag;
                out->clear |= mount_flag_table[k].flag;
              }
            else
              {
                out->flags |= mount_flag_table[k].flag;
                out->clear &= ~mount_flag_table[k].flag;
              }
            if (strcmp (opt, "rbind") == 0)
              out->recursive = 1;
          }
      for (k = 0; !found && k < sizeof (propagation_table) / sizeof (propagation_table[0]); k++)
        if (strcmp (opt, propagation_table[k].name) == 0)
          {
            found = 1;
            out->propagation = propagation_table[k].flag;
          }
      if (!found)
        append_data (&out->data, opt);
    }
  return 0;
}

void
shim_mount_opts_free (shim_mount_opts_t *o)
{
  free (o->data);
  o->data = NULL;
}
