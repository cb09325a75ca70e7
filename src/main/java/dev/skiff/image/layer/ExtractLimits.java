package dev.skiff.image.layer;

/**
 * Bounds on one layer extraction.
 *
 * @param maxTotalBytes sum of regular-file sizes
 * @param maxEntries number of tar entries (headers), including whiteouts and directories
 * @param maxFileBytes size of any one regular file
 * @param allowDeviceNodes whether character and block device entries are created. When false
 *     they are skipped and a warning is recorded (the layout rootless Podman/Docker produce in a
 *     user namespace, where mknod of devices is impossible). FIFOs need no privilege and are
 *     always created.
 */
public record ExtractLimits(
    long maxTotalBytes, long maxEntries, long maxFileBytes, boolean allowDeviceNodes) {

  /** 64 GiB total, 1M entries, 16 GiB per file, no device nodes. */
  public static final ExtractLimits DEFAULT =
      new ExtractLimits(64L << 30, 1_000_000, 16L << 30, false);

  public ExtractLimits {
    if (maxTotalBytes < 0 || maxEntries < 0 || maxFileBytes < 0) {
      throw new IllegalArgumentException("limits must be non-negative");
    }
  }

  public ExtractLimits withDeviceNodes(boolean allow) {
    return new ExtractLimits(maxTotalBytes, maxEntries, maxFileBytes, allow);
  }
}
