package dev.skiff.image.archive;

/** An image archive or rootfs tarball is malformed, truncated, or fails a digest check. */
public final class InvalidImageArchiveException extends Exception {
  public InvalidImageArchiveException(String message) {
    super(message);
  }

  public InvalidImageArchiveException(String message, Throwable cause) {
    super(message, cause);
  }
}
