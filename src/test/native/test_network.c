/* test_network.c -- TAP tests of network.c: the add_hostfwd request, and the errors of
 * shim_set_network before any namespace is involved (no slirp4netns needed). */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "network.h"
#include "tap.h"

static void
test_request (void)
{
  json_object *f = json_tokener_parse (
      "{\"proto\":\"udp\",\"host_addr\":\"127.0.0.1\",\"host_port\":5353,\"guest_port\":53,\"extra\":1}");
  char *req = shim_network_hostfwd_request (f);
  OK (strcmp (req, "{\"execute\":\"add_hostfwd\",\"arguments\":{\"proto\":\"udp\",\"host_addr\":\"127.0.0.1\","
                   "\"host_port\":5353,\"guest_port\":53}}")
          == 0,
      "add_hostfwd request carries proto, host_addr, host_port, guest_port only: %s", req);
  free (req);
  json_object_put (f);
}

static int
set_network (const char *spec_json, shim_error_t *err)
{
  json_object *spec = json_tokener_parse (spec_json);
  int r = shim_set_network (getpid (), spec, err);
  json_object_put (spec);
  return r;
}

static void
test_errors (void)
{
  shim_error_t err = NULL;
  char log[] = "/tmp/skiff-test-network-XXXXXX", spec[1024];
  int fd = mkstemp (log);

  OK (set_network ("{\"annotations\":{}}", &err) == 0 && err == NULL, "no annotation: nothing to do");
  OK (set_network ("{\"annotations\":{\"dev.skiff.network.slirp4netns\":\"{not json\"}}", &err) < 0
          && err->status == EINVAL,
      "an unreadable configuration is an error");
  shim_error_release (&err);

  snprintf (spec, sizeof (spec),
            "{\"annotations\":{\"dev.skiff.network.slirp4netns\":"
            "\"{\\\"path\\\":\\\"/nonexistent/slirp4netns\\\",\\\"args\\\":[],"
            "\\\"apiSocket\\\":\\\"/tmp/skiff-test-network.sock\\\",\\\"log\\\":\\\"%s\\\"}\"}}",
            log);
  OK (set_network (spec, &err) < 0 && err->status == ENETDOWN && strstr (err->msg, "slirp4netns failed")
          && strstr (err->msg, "exec /nonexistent/slirp4netns: No such file or directory"),
      "slirp4netns that cannot start: the error names it with its last log line (%s)", err ? err->msg : "-");
  shim_error_release (&err);
  close (fd);
  unlink (log);
}

int
main (void)
{
  test_request ();
  test_errors ();
  return tap_done ();
}
