package dev.skiff.image.registry;

/** A pull failed; {@link #kind()} says how, the message says it the way podman does. */
public final class RegistryException extends Exception {
  /** What went wrong. */
  public enum Kind {
    /** The registry has no such repository, tag or digest. */
    NOT_FOUND,
    /** The registry refused the credentials (or wants some). */
    UNAUTHORIZED,
    /** The registry could not be reached (connection, TLS, timeout). */
    UNREACHABLE,
    /** The registry sent something wrong: bad digest, bad JSON, unsupported manifest. */
    INVALID
  }

  private final Kind kind;

  public RegistryException(Kind kind, String message) {
    super(message);
    this.kind = kind;
  }

  public RegistryException(Kind kind, String message, Throwable cause) {
    super(message, cause);
    this.kind = kind;
  }

  public Kind kind() {
    return kind;
  }
}
