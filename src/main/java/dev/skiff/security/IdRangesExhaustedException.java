package dev.skiff.security;

/**
 * No free range of the requested size is left in an ID pool. Not an {@link
 * InvalidSecuritySettingException}: the request may be fine and the pool full (other containers
 * hold the IDs), so the engine decides how to report it (Podman answers 500).
 */
public class IdRangesExhaustedException extends IllegalStateException {

  public IdRangesExhaustedException(String message) {
    super(message);
  }
}
