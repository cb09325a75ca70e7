package dev.skiff.security;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The {@code --security-opt} values of one container, parsed: {@code seccomp=unconfined|FILE},
 * {@code apparmor=NAME|unconfined}, {@code label=...}, {@code mask=...}, {@code unmask=...}, {@code
 * no-new-privileges[=true|false]} and Docker's {@code systempaths=unconfined}. Docker's older
 * {@code key:value} form is accepted too.
 *
 * @param seccomp {@code unconfined} or a profile path; empty means the default profile
 */
public record SecurityOptions(
    Optional<String> seccomp,
    Optional<AppArmorProfile> apparmor,
    SelinuxOptions selinux,
    List<String> mask,
    List<String> unmask,
    boolean noNewPrivileges) {

  public SecurityOptions {
    Objects.requireNonNull(seccomp, "seccomp");
    Objects.requireNonNull(apparmor, "apparmor");
    Objects.requireNonNull(selinux, "selinux");
    mask = List.copyOf(mask);
    unmask = List.copyOf(unmask);
  }

  /**
   * Parses {@code --security-opt} values.
   *
   * @throws InvalidSecuritySettingException quoting an unknown or malformed option
   */
  public static SecurityOptions parse(List<String> options) {
    Builder b = new Builder();
    for (String option : options) {
      b.add(option);
    }
    return b.build();
  }

  /** True for {@code seccomp=unconfined}. */
  public boolean seccompUnconfined() {
    return seccomp.filter(SeccompProfiles.UNCONFINED::equals).isPresent();
  }

  /** The custom profile file, if one was named. */
  public Optional<String> seccompProfilePath() {
    return seccomp.filter(s -> !s.equals(SeccompProfiles.UNCONFINED));
  }

  /** The MAC part, for {@link MacPolicy#validate}. */
  public MacRequest macRequest() {
    return new MacRequest(apparmor, selinux);
  }

  private static final class Builder {
    private Optional<String> seccomp = Optional.empty();
    private Optional<AppArmorProfile> apparmor = Optional.empty();
    private final List<String> labels = new ArrayList<>();
    private final List<String> mask = new ArrayList<>();
    private final List<String> unmask = new ArrayList<>();
    private boolean noNewPrivileges;

    void add(String option) {
      int sep = separator(option);
      String key = sep < 0 ? option : option.substring(0, sep);
      String value = sep < 0 ? "" : option.substring(sep + 1);
      switch (key) {
        case "seccomp" -> seccomp = Optional.of(nonEmpty(option, value));
        case "apparmor" -> apparmor = Optional.of(AppArmorProfile.parse(value));
        case "label" -> labels.add(nonEmpty(option, value));
        case "mask" -> mask.add(nonEmpty(option, value));
        case "unmask" -> unmask.add(nonEmpty(option, value));
        case "systempaths" -> unmask.add(expect(option, value, "unconfined", "ALL"));
        case "no-new-privileges" -> noNewPrivileges = bool(option, value);
        default -> throw invalid(option, "unknown option \"" + key + "\"");
      }
    }

    SecurityOptions build() {
      return new SecurityOptions(
          seccomp, apparmor, SelinuxOptions.parse(labels), mask, unmask, noNewPrivileges);
    }

    private static int separator(String option) {
      int eq = option.indexOf('=');
      int colon = option.indexOf(':');
      return eq >= 0 && (colon < 0 || eq < colon) ? eq : colon;
    }

    private static String nonEmpty(String option, String value) {
      if (value.isEmpty()) {
        throw invalid(option, "needs a value");
      }
      return value;
    }

    private static String expect(String option, String value, String expected, String result) {
      if (!value.equals(expected)) {
        throw invalid(option, "the only value is " + expected);
      }
      return result;
    }

    private static boolean bool(String option, String value) {
      return switch (value) {
        case "", "true" -> true;
        case "false" -> false;
        default -> throw invalid(option, "expected true or false");
      };
    }

    private static InvalidSecuritySettingException invalid(String option, String reason) {
      return new InvalidSecuritySettingException(
          "invalid --security-opt \"" + option + "\": " + reason);
    }
  }
}
