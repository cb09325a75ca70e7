/* network.h -- user-mode networking for the container: slirp4netns, started by the shim.
 *
 * Contract: the bundle's annotation `dev.skiff.network.slirp4netns` holds a JSON object
 *   {"path":"/usr/bin/slirp4netns", "args":["--mtu=65520","--disable-host-loopback"],
 *    "apiSocket":PATH, "log":PATH,
 *    "forwards":[{"proto":"tcp","host_addr":"0.0.0.0","host_port":8080,"guest_port":80}, ...]}
 * Without it: nothing.  With it, after the init's ID maps are written and before the init is let
 * go, the shim starts `path args... --configure --ready-fd --exit-fd --api-socket PATH <pid> tap0`
 * (stderr to `log`), waits until slirp4netns reports the tap device configured, and adds every
 * forward through its API socket.  The write end of slirp4netns' exit fd stays open in the
 * monitor only (close-on-exec), so slirp4netns ends with the monitor, after the container.
 * So the container's process never runs before its network is up, and no forward is missing.
 */
#ifndef SHIM_NETWORK_H
#define SHIM_NETWORK_H

#include <sys/types.h>
#include <json-c/json.h>
#include "error.h"

int shim_set_network (pid_t pid, json_object *spec, shim_error_t *err);

/* The add_hostfwd request for one forward (pure: unit-tested). */
char *shim_network_hostfwd_request (json_object *forward);

#endif
