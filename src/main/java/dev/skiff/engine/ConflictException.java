package dev.skiff.engine;

/** The request conflicts with the object's current state or another object (409). */
public class ConflictException extends SkiffException {
  public ConflictException(String message, String cause) {
    super(message, cause);
  }
}
