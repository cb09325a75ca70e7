/* test_userns.c -- TAP tests of ID-mapped layers: the maps' user namespace (userns.c) and the
 * ID-mapped clones of overlay lower dirs (mounts.c).  The mount tests need root (they are skipped
 * otherwise, with a "# skip" line). */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "container.h"
#include "mounts.h"
#include "tap.h"
#include "userns.h"
#include "utils.h"

static void
test_invalid_maps (void)
{
  shim_error_t err = NULL;

  OK (shim_userns_fd_for_maps ("1:2", "0:0:1", &err) == -1 && err && err->status == EINVAL,
      "a map without a size is EINVAL (%s)", err ? err->msg : "");
  shim_error_release (&err);
  OK (shim_userns_fd_for_maps ("0:0:1", "0:0:0", &err) == -1 && err && err->status == EINVAL,
      "a zero size is EINVAL");
  shim_error_release (&err);
}

static void
test_idmapped_layer (void)
{
  char dir[] = "/tmp/shim-idmap-XXXXXX", file[64], spec[512];
  shim_container_t c;
  shim_error_t err = NULL;
  struct stat st;
  int fd;

  if (geteuid () != 0)
    {
      printf ("ok %d - # skip ID-mapped mounts need root\n", ++tap_n);
      return;
    }
  if (!mkdtemp (dir))
    return;
  snprintf (file, sizeof (file), "%s/f", dir);
  fd = open (file, O_CREAT | O_WRONLY | O_CLOEXEC, 0644);
  close (fd);
  OK (chown (dir, 200000, 200000) == 0 && chown (file, 200005, 200007) == 0, "layer owned by 200000+");

  memset (&c, 0, sizeof (c));
  snprintf (spec, sizeof (spec),
            "{\"annotations\":{\"dev.skiff.overlay.lower\":\"%s\","
            "\"dev.skiff.overlay.idmap.uids\":\"200000:300000:10\","
            "\"dev.skiff.overlay.idmap.gids\":\"200000:400000:10\"}}",
            dir);
  c.spec = json_tokener_parse (spec);
  OK (shim_prepare_idmapped_layers (&c, &err) == 0 && c.n_idmap_lower == 1, "one ID-mapped clone (%s)",
      err ? err->msg : "ok");
  shim_error_release (&err);
  if (c.n_idmap_lower == 1)
    {
      OK (fstatat (c.idmap_lower_fds[0], "f", &st, AT_SYMLINK_NOFOLLOW) == 0 && st.st_uid == 300005
              && st.st_gid == 400007,
          "on-disk 200005:200007 reads as 300005:400007 through the clone (%u:%u)", st.st_uid, st.st_gid);
      OK (stat (file, &st) == 0 && st.st_uid == 200005, "the original stays as it is");
    }
  shim_close_idmapped_layers (&c);
  OK (c.n_idmap_lower == 0 && c.idmap_lower_fds == NULL, "close releases the clones");
  json_object_put (c.spec);
  c.spec = json_tokener_parse ("{\"annotations\":{\"dev.skiff.overlay.lower\":\"/nonexistent-layer\","
                               "\"dev.skiff.overlay.idmap.uids\":\"0:1:1\",\"dev.skiff.overlay.idmap.gids\":\"0:1:1\"}}");
  OK (shim_prepare_idmapped_layers (&c, &err) == -1 && err && err->status == ENOENT && c.n_idmap_lower == 0,
      "a missing layer dir is an error naming it (%s)", err ? err->msg : "");
  shim_error_release (&err);
  json_object_put (c.spec);
  unlink (file);
  rmdir (dir);
}

int
main (void)
{
  test_invalid_maps ();
  test_idmapped_layer ();
  return tap_done ();
}
