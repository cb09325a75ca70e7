/* sync.c -- daemon <-> shim JSON lines (see sync.h). */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <json-c/json.h>

#include "sync.h"
#include "utils.h"

int
shim_sync_send_pid (int fd, pid_t pid, shim_error_t *err)
{
  char line[64];
  int n = snprintf (line, sizeof (line), "{\"pid\":%d}\n", (int)pid);

  if (fd >= 0 && shim_write_all (fd, line, n) < 0)
    return shim_make_error (err, errno, "writing the pid to the sync fd");
  return 0;
}

int
shim_sync_read_init_error (int fd, shim_error_t *err)
{
  char buf[8192];
  ssize_t n = shim_read_all (fd, buf, sizeof (buf) - 1);
  json_object *o, *v;
  int e = EIO;

  if (n < 0)
    return shim_make_error (err, errno, "reading the container init's status");
  if (n == 0)
    return 0;
  buf[n] = '\0';
  o = json_tokener_parse (buf);
  if (o == NULL)
    return shim_make_error (err, EIO, "container init sent an unreadable status `%.200s`", buf);
  if (json_object_object_get_ex (o, "errno", &v))
    e = json_object_get_int (v);
  if (json_object_object_get_ex (o, "message", &v))
    shim_make_error (err, 0, "%s", json_object_get_string (v));
  else
    shim_make_error (err, 0, "container init failed");
  (*err)->status = e;
  json_object_put (o);
  return -1;
}
