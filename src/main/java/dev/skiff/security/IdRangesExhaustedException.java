package dev.skiff.security;

/** No free range of the requested size is left in an ID pool. */
public class IdRangesExhaustedException extends InvalidSecuritySettingException {

  public IdRangesExhaustedException(String message) {
    super(message);
  }
}
