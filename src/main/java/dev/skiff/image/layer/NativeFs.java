package dev.skiff.image.layer;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import jnr.ffi.LastError;
import jnr.ffi.LibraryLoader;
import jnr.ffi.Runtime;

/**
 * The two file operations Java cannot do: {@code mknod} (device nodes, FIFOs, 0/0 whiteouts) and
 * {@code lsetxattr} outside the {@code user.} namespace. Bound with jnr-ffi to libc; neither call
 * follows a symlink in the last component, and callers have already checked the parents.
 */
final class NativeFs {
  static final int S_IFIFO = 0010000;
  static final int S_IFCHR = 0020000;
  static final int S_IFBLK = 0060000;
  static final int EPERM = 1;

  /** The libc functions we bind. */
  public interface LibC {
    int mknod(String path, int mode, long dev);

    int lsetxattr(String path, String name, byte[] value, long size, int flags);

    long lgetxattr(String path, String name, byte[] value, long size);

    int geteuid();

    int chmod(String path, int mode);

    int utimensat(int dirfd, String path, long[] times, int flags);
  }

  private static final class Holder {
    static final LibC LIBC = LibraryLoader.create(LibC.class).load("c");
  }

  private NativeFs() {}

  /** glibc's makedev. */
  static long makedev(long major, long minor) {
    return ((major & 0xfffff000L) << 32)
        | ((major & 0xfffL) << 8)
        | ((minor & 0xffffff00L) << 12)
        | (minor & 0xffL);
  }

  static void mknod(Path path, int typeBits, int perm, long major, long minor) throws IOException {
    int rc = Holder.LIBC.mknod(path.toString(), typeBits | (perm & 07777), makedev(major, minor));
    if (rc != 0) {
      throw errnoException("mknod", path);
    }
  }

  /** chmod(2); only for paths known not to be symlinks (opening a FIFO to fchmod would block). */
  static void chmod(Path path, int mode) throws IOException {
    if (Holder.LIBC.chmod(path.toString(), mode & 07777) != 0) {
      throw errnoException("chmod", path);
    }
  }

  /** Sets the mtime (atime untouched) without following a symlink and without opening the file. */
  static void setMtimeNoFollow(Path path, java.time.Instant mtime) throws IOException {
    final int atFdCwd = -100;
    final int atSymlinkNofollow = 0x100;
    final long utimeOmit = (1L << 30) - 2;
    long[] times = {0, utimeOmit, mtime.getEpochSecond(), mtime.getNano()};
    if (Holder.LIBC.utimensat(atFdCwd, path.toString(), times, atSymlinkNofollow) != 0) {
      throw errnoException("utimensat", path);
    }
  }

  static void lsetxattr(Path path, String name, byte[] value) throws IOException {
    int rc = Holder.LIBC.lsetxattr(path.toString(), name, value, value.length, 0);
    if (rc != 0) {
      throw errnoException("lsetxattr " + name, path);
    }
  }

  static void lsetxattr(Path path, String name, String value) throws IOException {
    lsetxattr(path, name, value.getBytes(StandardCharsets.UTF_8));
  }

  /** The xattr's value, or null when absent. Values over 4 KiB are not supported. */
  static byte[] lgetxattr(Path path, String name) {
    byte[] buf = new byte[4096];
    long n = Holder.LIBC.lgetxattr(path.toString(), name, buf, buf.length);
    if (n < 0) {
      return null;
    }
    return java.util.Arrays.copyOf(buf, (int) n);
  }

  /**
   * Whether this process can create 0/0 character devices: euid 0 in the initial user
   * namespace (a namespaced root has no CAP_MKNOD over the host's device numbers).
   */
  static boolean canMknodWhiteouts() {
    if (Holder.LIBC.geteuid() != 0) {
      return false;
    }
    try {
      String map = java.nio.file.Files.readString(Path.of("/proc/self/uid_map")).trim();
      return map.matches("0\\s+0\\s+4294967295");
    } catch (IOException e) {
      return false;
    }
  }

  private static IOException errnoException(String op, Path path) {
    int errno = LastError.getLastError(Runtime.getRuntime(Holder.LIBC));
    String text = errno == EPERM ? "operation not permitted" : "errno " + errno;
    return new NativeIOException(op + " " + path + ": " + text, errno);
  }

  /** An IOException carrying the errno. */
  static final class NativeIOException extends IOException {
    private final int errno;

    NativeIOException(String message, int errno) {
      super(message);
      this.errno = errno;
    }

    int errno() {
      return errno;
    }
  }
}
