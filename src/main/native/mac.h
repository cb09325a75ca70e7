/* mac.h -- AppArmor profile and SELinux labels of the container process.
 *
 * Contract:
 *   - A requested profile/label on a host without that LSM is an ERROR ("AppArmor is not enabled
 *     on this host" / "SELinux is not enabled on this host"), never a silent skip.
 *   - No-ops: AppArmor NULL, "" or "unconfined"; SELinux NULL or "".
 *   - AppArmor: enabled = /sys/module/apparmor/parameters/enabled is "Y"; the profile is written
 *     as "exec <profile>" to /proc/thread-self/attr/apparmor/exec (fallback attr/exec).
 *   - SELinux: enabled = selinuxfs mounted (/sys/fs/selinux/enforce exists); the label is written
 *     to /proc/thread-self/attr/exec.
 *   - shim_selinux_check_mount_label(): validation of a mount label (`context=`), same enabled
 *     rule; for the daemon's pre-flight checks and the mounts step.
 *
 * Call order (and why): in the init after pivot_root (so /proc is the container's), BEFORE the
 * capability/uid steps: writing attr/exec needs the privileges the later steps drop.  Both take
 * effect only at execve, so the remaining setup still runs under the shim's own label.
 */
#ifndef SHIM_MAC_H
#define SHIM_MAC_H

#include "error.h"

int shim_set_apparmor (const char *profile, shim_error_t *err);
int shim_set_selinux_label (const char *label, shim_error_t *err);
int shim_selinux_check_mount_label (const char *label, shim_error_t *err);

#endif
