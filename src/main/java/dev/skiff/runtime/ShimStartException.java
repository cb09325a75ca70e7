package dev.skiff.runtime;

/**
 * skiff-shim could not start the container: the errno and message it reported on the sync fd
 * (e.g. errno 2 "exec: executable file not found"), or a failure to run the shim at all (errno 0).
 */
public final class ShimStartException extends RuntimeException {

  private final int errno;

  public ShimStartException(int errno, String message) {
    super(message);
    this.errno = errno;
  }

  public int errno() {
    return errno;
  }

  /** A line from the shim that is not JSON. */
  public static final class Unparsed extends RuntimeException {
    Unparsed(String message) {
      super(message);
    }
  }
}
