package dev.skiff.security;

import java.util.Objects;

/**
 * An AppArmor profile name from {@code --security-opt apparmor=NAME}; {@code unconfined} turns it
 * off.
 */
public record AppArmorProfile(String name) {

  public static final String UNCONFINED_NAME = "unconfined";

  public AppArmorProfile {
    Objects.requireNonNull(name, "name");
  }

  /**
   * Parses a profile name.
   *
   * @throws InvalidSecuritySettingException quoting an empty name or one with whitespace
   */
  public static AppArmorProfile parse(String name) {
    if (name == null
        || name.isBlank()
        || !name.equals(name.strip())
        || name.chars().anyMatch(c -> Character.isWhitespace(c) || Character.isISOControl(c))) {
      throw new InvalidSecuritySettingException(
          "invalid AppArmor profile \"" + name + "\": expected a profile name or unconfined");
    }
    return new AppArmorProfile(name);
  }

  public static AppArmorProfile unconfined() {
    return new AppArmorProfile(UNCONFINED_NAME);
  }

  public boolean isUnconfined() {
    return name.equals(UNCONFINED_NAME);
  }
}
