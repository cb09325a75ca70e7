/**
 * Layer extraction and the content-addressed file layout of layers and blobs.
 *
 * <p>{@link dev.skiff.image.layer.LayerExtractor} is the security boundary of image handling: it
 * turns an untrusted tar into a directory and never writes outside it (rules in its Javadoc).
 *
 * <p>Decisions recorded here:
 *
 * <ul>
 *   <li><b>Whiteouts</b> ({@link dev.skiff.image.layer.WhiteoutStyle}): real root writes the
 *       classic overlay form (0/0 char device, {@code trusted.overlay.opaque=y}); a rootless daemon
 *       writes the xattr form (zero-size file with {@code user.overlay.whiteout}, parent marked
 *       {@code user.overlay.opaque=x}; opaque dirs {@code user.overlay.opaque=y}), which needs the
 *       {@code userxattr} mount option and Linux 6.7+. Both are proven by a real overlay mount in
 *       {@code OverlayWhiteoutTest}. The mounter (runtime/engine) must pass {@code userxattr}
 *       exactly when the layers were extracted with USER_XATTR; record the style with the store.
 *   <li><b>Device nodes</b> when not allowed are skipped with a warning, not rejected: that is
 *       what rootless Podman/Docker do, and images such as old CentOS bases ship {@code /dev}
 *       entries that would otherwise make them unusable. FIFOs are always created.
 *   <li><b>Ownership</b> failures are fatal: an image extracted with wrong owners is a security
 *       bug waiting to happen (a root-owned setuid binary becoming user-owned, or the reverse).
 *   <li><b>xattrs</b> named {@code *.overlay.*} are never taken from a layer; binary PAX xattr
 *       values that commons-compress cannot decode losslessly are dropped with a warning.
 * </ul>
 *
 * <p>Depends only on {@code dev.skiff.image} value types, commons-compress and jnr-ffi (for
 * {@code mknod}, {@code lsetxattr}, {@code chmod}, {@code utimensat}, which Java lacks or does
 * by opening the file). No processes, no JDBC.
 */
package dev.skiff.image.layer;
