package dev.skiff.engine;

/** The requested name belongs to another object (409). */
public class NameInUseException extends ConflictException {
  public NameInUseException(String message) {
    super(message, "that name is already in use");
  }
}
