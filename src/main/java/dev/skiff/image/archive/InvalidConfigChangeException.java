package dev.skiff.image.archive;

/** A {@code --change} instruction cannot be applied. The message quotes it. */
public final class InvalidConfigChangeException extends Exception {
  public InvalidConfigChangeException(String change, String reason) {
    super("invalid change \"" + change + "\": " + reason);
  }
}
