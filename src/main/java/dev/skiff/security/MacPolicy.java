package dev.skiff.security;

import java.util.ArrayList;
import java.util.List;

/**
 * Checks MAC requests against the host: an explicit AppArmor profile or SELinux label on a host
 * without that LSM is an error naming it, never a silent skip (DESIGN §5). Asking for {@code
 * apparmor=unconfined} or {@code label=disable} needs nothing from the host.
 */
public final class MacPolicy {

  public static final String APPARMOR_NOT_ENABLED = "AppArmor is not enabled on this host";
  public static final String SELINUX_NOT_ENABLED = "SELinux is not enabled on this host";

  private MacPolicy() {}

  /** Every problem with {@code requested} on a host with {@code support}; empty if none. */
  public static List<String> problems(MacRequest requested, MacSupport support) {
    List<String> problems = new ArrayList<>();
    boolean wantsAppArmor = requested.apparmor().filter(p -> !p.isUnconfined()).isPresent();
    if (wantsAppArmor && !support.apparmorEnabled()) {
      problems.add(
          APPARMOR_NOT_ENABLED
              + " (requested profile \""
              + requested.apparmor().orElseThrow().name()
              + "\")");
    }
    if (requested.selinux().requestsLabel() && !support.selinuxEnabled()) {
      problems.add(SELINUX_NOT_ENABLED);
    }
    return List.copyOf(problems);
  }

  /**
   * As {@link #problems}, throwing them (joined with "; ") if there are any.
   *
   * @throws InvalidSecuritySettingException naming the missing LSM
   */
  public static void validate(MacRequest requested, MacSupport support) {
    List<String> problems = problems(requested, support);
    if (!problems.isEmpty()) {
      throw new InvalidSecuritySettingException(String.join("; ", problems));
    }
  }
}
