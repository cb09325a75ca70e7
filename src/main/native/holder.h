/* holder.h -- the rootless namespace holder (DESIGN §1): one long-lived user namespace mapping the
 * user's whole ID range, created once with newuidmap/newgidmap; containers' user namespaces are its
 * children, and their maps are written directly (root of the holder is privileged over them).
 *
 * Contract:
 *   skiff-shim holder --pid-file PATH --uid-map LIST --gid-map LIST
 *     LIST = "inside:outside:count,..." in host IDs (e.g. 0:1001:1,1:100000:65536).
 *     Under an flock on PATH.lock: when PATH names a valid holder (shim_holder_open) whose maps are
 *     LIST, prints {"pid":N,"userns":INODE,"created":false}.  Otherwise (a valid holder with other
 *     maps is killed first) it forks the holder -- own session, stdio /dev/null, cwd /, a new user
 *     namespace whose maps newuidmap/newgidmap write once, comm "skiff-holder", then pause() until
 *     killed -- writes PATH atomically ("PID STARTTIME USERNS-INODE\n") and prints
 *     {"pid":N,"userns":INODE,"created":true}.  Failure: exit 1, {"errno":E,"message":"..."}.
 *   shim_holder_open() validates the holder a pid file names before anyone trusts it: pidfd_open
 *     first, then /proc/PID/stat (start time as recorded, comm skiff-holder), /proc/PID/ns/user
 *     (inode as recorded, owned by our uid, child of our user namespace) and its maps; last, the
 *     pidfd still names a live process, so everything read belonged to it (no pid reuse).
 *   shim_holder_use() registers a validated holder for this process: shim_join_namespaces() then
 *     joins it (setns on the pidfd; the caller is single-threaded) before cloning a new user
 *     namespace, and shim_set_id_maps() writes the child's maps itself, in holder IDs
 *     (shim_id_translate: a host ID the holder does not map is EPERM).
 *   Pure helpers (unit-tested): the map list/proc parsers, translation, the record and stat parsers.
 */
#ifndef SHIM_HOLDER_H
#define SHIM_HOLDER_H

#include <stdint.h>
#include <sys/types.h>
#include "error.h"

#define SHIM_MAX_ID_RANGES 340

struct shim_id_range_s
{
  uint32_t inside, outside, count;
};

struct shim_holder_record_s
{
  pid_t pid;
  unsigned long long start_time; /* /proc/PID/stat field 22 */
  unsigned long long userns;     /* inode of /proc/PID/ns/user */
};

struct shim_holder_s
{
  int pidfd;
  struct shim_holder_record_s rec;
  struct shim_id_range_s uids[SHIM_MAX_ID_RANGES], gids[SHIM_MAX_ID_RANGES];
  int n_uids, n_gids;
};
typedef struct shim_holder_s shim_holder_t;

/* `skiff-shim holder ...` (argv[1] == "holder"); returns the exit status. */
int shim_holder_main (int argc, char **argv);

/* Opens and validates the holder named by pid_file; *out is allocated on success. */
int shim_holder_open (const char *pid_file, shim_holder_t **out, shim_error_t *err);
void shim_holder_free (shim_holder_t *h);
/* Registers h (ownership moves) for shim_join_namespaces/shim_set_id_maps; NULL = none. */
void shim_holder_use (shim_holder_t *h);
/* Opens, validates and registers the holder when new_userns (a new user namespace is cloned, none
   joined by path); 0 without doing anything otherwise. */
int shim_holder_use_file (const char *pid_file, int new_userns, shim_error_t *err);
const shim_holder_t *shim_holder_current (void);
/* setns into the registered holder's user namespace; 0 when none is registered. */
int shim_holder_join (shim_error_t *err);

/* Pure helpers. */
int shim_id_ranges_parse_proc (const char *text, struct shim_id_range_s *out, int max);
int shim_id_ranges_parse_list (const char *list, struct shim_id_range_s *out, int max);
int shim_id_translate (const struct shim_id_range_s *holder, int n_holder, const struct shim_id_range_s *in,
                       int n_in, struct shim_id_range_s *out, int max_out, shim_error_t *err);
int shim_holder_record_parse (const char *text, struct shim_holder_record_s *rec);
/* /proc/PID/stat line -> comm (up to comm_size-1 bytes) and start time; -1 when malformed. */
int shim_proc_stat_parse (const char *line, char *comm, size_t comm_size, unsigned long long *start_time);
/* Why stat/ns data do not belong to the recorded holder (static text), NULL when they do. */
const char *shim_holder_record_mismatch (const struct shim_holder_record_s *rec, const char *comm,
                                         unsigned long long start_time, unsigned long long userns,
                                         uid_t owner, uid_t own_uid, int parent_is_ours);

#endif
