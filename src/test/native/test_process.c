/* test_process.c -- TAP tests of errors (error.c), JSON escaping and atomic files (utils.c),
 * the init error round trip (sync.c) and PATH lookup (process.c). */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "process.h"
#include "sync.h"
#include "tap.h"
#include "utils.h"

static void
test_errors (void)
{
  shim_error_t err = NULL;
  char buf[512];
  int p[2];
  ssize_t n;

  OK (shim_make_error (&err, ENOENT, "open `%s`", "/x") == -1 && err->status == ENOENT
          && STREQ (err->msg, "open `/x`: No such file or directory"),
      "make_error appends strerror (%s)", err->msg);
  shim_error_wrap (&err, "mounts");
  OK (STREQ (err->msg, "mounts: open `/x`: No such file or directory") && err->status == ENOENT,
      "wrap prefixes and keeps the errno");
  if (pipe (p) == 0)
    {
      shim_error_send (p[1], err);
      close (p[1]);
      n = read (p[0], buf, sizeof (buf) - 1);
      buf[n > 0 ? n : 0] = '\0';
      OK (STREQ (buf, "{\"errno\":2,\"message\":\"mounts: open `/x`: No such file or directory\"}\n"),
          "send: one JSON line");
      close (p[0]);
    }
  shim_error_release (&err);
  OK (err == NULL, "release resets to NULL");
  shim_make_error (&err, 0, "plain");
  OK (STREQ (err->msg, "plain") && err->status == 0, "status 0: no strerror suffix");
  shim_error_release (&err);

  /* round trip through the init's error pipe */
  if (pipe (p) == 0)
    {
      shim_make_error (&err, EACCES, "exec `%s`", "a\"b\n");
      shim_error_send (p[1], err);
      close (p[1]);
      shim_error_release (&err);
      OK (shim_sync_read_init_error (p[0], &err) < 0 && err->status == EACCES
              && STREQ (err->msg, "exec `a\"b\n`: Permission denied"),
          "init error survives the pipe (errno and escaped message)");
      shim_error_release (&err);
      close (p[0]);
    }
  if (pipe (p) == 0)
    {
      close (p[1]);
      OK (shim_sync_read_init_error (p[0], &err) == 0 && err == NULL, "EOF without data = exec succeeded");
      close (p[0]);
    }
  if (pipe (p) == 0)
    {
      shim_warning_send (p[1], "cap %s unknown to this kernel", "CAP_X");
      close (p[1]);
      n = read (p[0], buf, sizeof (buf) - 1);
      buf[n > 0 ? n : 0] = '\0';
      OK (STREQ (buf, "{\"warning\":\"cap CAP_X unknown to this kernel\"}\n"), "warning line");
      close (p[0]);
    }
}

static void
test_escape (void)
{
  char out[64];

  shim_json_escape ("a\"b\\c\n\t\x01", out, sizeof (out));
  OK (STREQ (out, "a\\\"b\\\\c\\n\\t\\u0001"), "JSON escaping (%s)", out);
  shim_json_escape ("0123456789", out, 5);
  OK (STREQ (out, "0123"), "escaping truncates to the buffer");
}

static void
test_atomic_file (void)
{
  char dir[] = "/tmp/skiff-test-XXXXXX", path[64], buf[32];
  shim_error_t err = NULL;
  int fd;
  ssize_t n;

  if (mkdtemp (dir) == NULL)
    return;
  snprintf (path, sizeof (path), "%s/exit.json", dir);
  OK (shim_write_file_atomic (path, "{\"a\":1}", 7, &err) == 0, "atomic write");
  fd = open (path, O_RDONLY);
  n = fd >= 0 ? read (fd, buf, sizeof (buf)) : -1;
  OK (n == 7 && memcmp (buf, "{\"a\":1}", 7) == 0, "content is complete");
  if (fd >= 0)
    close (fd);
  snprintf (buf, sizeof (buf), "%s/exit.json.tmp.%d", dir, (int)getpid ());
  OK (access (buf, F_OK) < 0, "no temp file left behind");
  unlink (path);
  snprintf (path, sizeof (path), "%s/nodir/exit.json", dir);
  OK (shim_write_file_atomic (path, "x", 1, &err) < 0 && err->status == ENOENT, "missing directory: ENOENT");
  shim_error_release (&err);
  OK (shim_check_parent_writable (path, &err) < 0 && err->status == ENOENT && strstr (err->msg, "nodir"),
      "exit file in a missing directory: refused up front");
  shim_error_release (&err);
  snprintf (path, sizeof (path), "%s/exit.json", dir);
  OK (shim_check_parent_writable (path, &err) == 0, "writable directory accepted");
  rmdir (dir);
}

static void
test_path_lookup (void)
{
  char dir[] = "/tmp/skiff-path-XXXXXX", p[128], path[300];
  char *found;
  int fd;

  if (mkdtemp (dir) == NULL)
    return;
  snprintf (p, sizeof (p), "%s/tool", dir);
  fd = open (p, O_CREAT | O_WRONLY, 0644);
  close (fd);
  snprintf (path, sizeof (path), "/nonexistent:%s", dir);
  found = shim_find_executable ("tool", path);
  OK (found == NULL && errno == EACCES, "only a non-executable candidate: EACCES");
  chmod (p, 0755);
  found = shim_find_executable ("tool", path);
  OK (STREQ (found, p), "found in the second PATH entry");
  free (found);
  found = shim_find_executable ("nosuchtool", path);
  OK (found == NULL && errno == ENOENT, "nothing: ENOENT");
  found = shim_find_executable ("sh", NULL);
  OK (found != NULL && found[0] == '/', "unset PATH uses the default list (%s)", found ? found : "");
  free (found);
  unlink (p);
  rmdir (dir);
}

int
main (void)
{
  test_errors ();
  test_escape ();
  test_atomic_file ();
  test_path_lookup ();
  return tap_done ();
}
