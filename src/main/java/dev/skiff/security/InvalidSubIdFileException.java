package dev.skiff.security;

/** A line of an {@code /etc/subuid}-format file is malformed; the message names file and line. */
public class InvalidSubIdFileException extends InvalidSecuritySettingException {

  public InvalidSubIdFileException(String fileName, int lineNumber, String line, String reason) {
    super(fileName + ":" + lineNumber + ": " + reason + ": \"" + line + "\"");
  }
}
