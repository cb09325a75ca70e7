package dev.skiff.image.layer;

/**
 * How OCI whiteouts ({@code .wh.NAME}, {@code .wh..wh..opq}) are written so that overlayfs,
 * mounting extracted layers as lower directories, honours them.
 *
 * <ul>
 *   <li>{@link #CHAR_DEVICE}: the classic overlay format, for a daemon that can mknod (real root).
 *       A whiteout is a character device 0/0; an opaque directory has {@code
 *       trusted.overlay.opaque=y}. Works with every overlayfs.
 *   <li>{@link #USER_XATTR}: for a rootless daemon (user namespace: no mknod, no {@code trusted.*}
 *       xattrs). A whiteout is a zero-size regular file with the xattr {@code
 *       user.overlay.whiteout}, and its parent directory gets {@code user.overlay.opaque=x} so
 *       overlayfs looks for such whiteouts when reading it; an opaque directory gets {@code
 *       user.overlay.opaque=y}. The layers must be mounted with the {@code userxattr} option, and
 *       the kernel must know xattr whiteouts: Linux 6.7 or later (see
 *       Documentation/filesystems/overlayfs.rst, "whiteouts and opaque directories"). On older
 *       kernels use fuse-overlayfs or the copy ("vfs") fallback.
 * </ul>
 */
public enum WhiteoutStyle {
  CHAR_DEVICE("trusted.overlay."),
  USER_XATTR("user.overlay.");

  private final String xattrPrefix;

  WhiteoutStyle(String xattrPrefix) {
    this.xattrPrefix = xattrPrefix;
  }

  /** {@code trusted.overlay.} or {@code user.overlay.}. */
  public String xattrPrefix() {
    return xattrPrefix;
  }

  public String opaqueXattr() {
    return xattrPrefix + "opaque";
  }

  public String whiteoutXattr() {
    return xattrPrefix + "whiteout";
  }

  /** CHAR_DEVICE when we are real root (uid 0 outside any user namespace), else USER_XATTR. */
  public static WhiteoutStyle forCurrentProcess() {
    return NativeFs.canMknodWhiteouts() ? CHAR_DEVICE : USER_XATTR;
  }
}
