package dev.skiff.security;

import java.util.List;
import java.util.Optional;

/**
 * SELinux options from {@code --security-opt label=...}: {@code disable}, {@code user:U}, {@code
 * role:R}, {@code type:T}, {@code level:L} and {@code filetype:T}. Empty when none were given.
 */
public record SelinuxOptions(
    boolean disabled,
    Optional<String> user,
    Optional<String> role,
    Optional<String> type,
    Optional<String> level,
    Optional<String> fileType) {

  public static SelinuxOptions none() {
    return new SelinuxOptions(
        false,
        Optional.empty(),
        Optional.empty(),
        Optional.empty(),
        Optional.empty(),
        Optional.empty());
  }

  /**
   * Parses label options, with or without the {@code label=} prefix.
   *
   * @throws InvalidSecuritySettingException quoting an unknown or empty option
   */
  public static SelinuxOptions parse(List<String> options) {
    SelinuxOptions result = none();
    for (String option : options) {
      result = result.with(option.startsWith("label=") ? option.substring(6) : option);
    }
    if (result.disabled && result.requestsLabel()) {
      throw new InvalidSecuritySettingException(
          "label=disable cannot be combined with other label options " + options);
    }
    return result;
  }

  private SelinuxOptions with(String option) {
    if (option.equals("disable")) {
      return new SelinuxOptions(true, user, role, type, level, fileType);
    }
    int colon = option.indexOf(':');
    String key = colon < 0 ? option : option.substring(0, colon);
    Optional<String> value = Optional.of(colon < 0 ? "" : option.substring(colon + 1));
    if (value.get().isBlank()
        && List.of("user", "role", "type", "level", "filetype").contains(key)) {
      throw invalid(option, "needs a value, as in " + key + ":VALUE");
    }
    return switch (key) {
      case "user" -> new SelinuxOptions(disabled, value, role, type, level, fileType);
      case "role" -> new SelinuxOptions(disabled, user, value, type, level, fileType);
      case "type" -> new SelinuxOptions(disabled, user, role, value, level, fileType);
      case "level" -> new SelinuxOptions(disabled, user, role, type, value, fileType);
      case "filetype" -> new SelinuxOptions(disabled, user, role, type, level, value);
      default ->
          throw invalid(option, "expected disable, user:, role:, type:, level: or filetype:");
    };
  }

  private static InvalidSecuritySettingException invalid(String option, String reason) {
    return new InvalidSecuritySettingException(
        "invalid SELinux option \"label=" + option + "\": " + reason);
  }

  /** True if any label component was requested (which needs SELinux on the host). */
  public boolean requestsLabel() {
    return user.isPresent()
        || role.isPresent()
        || type.isPresent()
        || level.isPresent()
        || fileType.isPresent();
  }
}
