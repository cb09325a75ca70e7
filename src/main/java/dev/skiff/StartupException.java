package dev.skiff;

/** A condition that stops the daemon at startup; its message is printed as is. */
public final class StartupException extends RuntimeException {

  public StartupException(String message) {
    super(message);
  }

  public StartupException(String message, Throwable cause) {
    super(message, cause);
  }

  /** The innermost message worth showing for a startup failure (no stack trace). */
  static String describe(Throwable t) {
    Throwable cur = t;
    while (cur != null) {
      if (cur instanceof StartupException
          || cur.getClass().getName().startsWith("dev.skiff.")) {
        return cur.getMessage();
      }
      cur = cur.getCause();
    }
    Throwable root = t;
    while (root.getCause() != null) {
      root = root.getCause();
    }
    return root.getClass().getSimpleName() + ": " + root.getMessage();
  }
}
