package dev.skiff.engine;

/** The request is malformed or asks for something invalid (400). */
public class InvalidArgumentException extends SkiffException {
  public InvalidArgumentException(String message) {
    super(message, "invalid argument");
  }

  public InvalidArgumentException(String message, Throwable t) {
    super(message, "invalid argument", t);
  }
}
