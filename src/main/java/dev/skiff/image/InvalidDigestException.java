package dev.skiff.image;

/** A string is not a valid content digest ({@code algorithm:hex}). The message quotes it. */
public final class InvalidDigestException extends Exception {
  public InvalidDigestException(String message) {
    super(message);
  }
}
