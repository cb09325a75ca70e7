package dev.skiff.security;

/**
 * A security setting given by the user (or a profile or ID file) is invalid. The message is written
 * for the user: it names the offending value and, where there is one, the fix.
 */
public class InvalidSecuritySettingException extends IllegalArgumentException {

  public InvalidSecuritySettingException(String message) {
    super(message);
  }
}
