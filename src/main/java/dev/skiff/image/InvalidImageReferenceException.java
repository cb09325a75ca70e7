package dev.skiff.image;

/** A string is not a valid image reference. The message quotes the input. */
public final class InvalidImageReferenceException extends Exception {
  private final String reference;

  public InvalidImageReferenceException(String reference, String reason) {
    super("invalid image reference \"" + reference + "\": " + reason);
    this.reference = reference;
  }

  /** The rejected input, verbatim. */
  public String reference() {
    return reference;
  }
}
