package dev.skiff.engine;

/** The named object does not exist (404). */
public class NoSuchObjectException extends SkiffException {
  public NoSuchObjectException(String message, String cause) {
    super(message, cause);
  }
}
