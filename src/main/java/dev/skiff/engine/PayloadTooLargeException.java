package dev.skiff.engine;

/** A request body exceeds the configured limit (413). */
public class PayloadTooLargeException extends SkiffException {
  public PayloadTooLargeException(String message) {
    super(message, "request body too large");
  }
}
