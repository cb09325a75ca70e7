package dev.skiff.security;

import com.fasterxml.jackson.annotation.JsonValue;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;

/** Linux capabilities, numbered as in {@code <linux/capability.h>}, up to Linux 5.9. */
public enum Capability {
  CHOWN(0),
  DAC_OVERRIDE(1),
  DAC_READ_SEARCH(2),
  FOWNER(3),
  FSETID(4),
  KILL(5),
  SETGID(6),
  SETUID(7),
  SETPCAP(8),
  LINUX_IMMUTABLE(9),
  NET_BIND_SERVICE(10),
  NET_BROADCAST(11),
  NET_ADMIN(12),
  NET_RAW(13),
  IPC_LOCK(14),
  IPC_OWNER(15),
  SYS_MODULE(16),
  SYS_RAWIO(17),
  SYS_CHROOT(18),
  SYS_PTRACE(19),
  SYS_PACCT(20),
  SYS_ADMIN(21),
  SYS_BOOT(22),
  SYS_NICE(23),
  SYS_RESOURCE(24),
  SYS_TIME(25),
  SYS_TTY_CONFIG(26),
  MKNOD(27),
  LEASE(28),
  AUDIT_WRITE(29),
  AUDIT_CONTROL(30),
  SETFCAP(31),
  MAC_OVERRIDE(32),
  MAC_ADMIN(33),
  SYSLOG(34),
  WAKE_ALARM(35),
  BLOCK_SUSPEND(36),
  AUDIT_READ(37),
  PERFMON(38),
  BPF(39),
  CHECKPOINT_RESTORE(40);

  /** Podman's default set (containers.conf {@code default_capabilities}). */
  public static final Set<Capability> PODMAN_DEFAULTS =
      Set.copyOf(
          EnumSet.of(
              CHOWN,
              DAC_OVERRIDE,
              FOWNER,
              FSETID,
              KILL,
              NET_BIND_SERVICE,
              SETFCAP,
              SETGID,
              SETPCAP,
              SETUID,
              SYS_CHROOT));

  private final int number;

  Capability(int number) {
    this.number = number;
  }

  /** The kernel's number for this capability. */
  public int number() {
    return number;
  }

  /** {@code CAP_CHOWN}: the name used by the OCI spec and the kernel. */
  @JsonValue
  public String capName() {
    return "CAP_" + name();
  }

  /**
   * Parses {@code chown}, {@code CHOWN} or {@code cap_chown}.
   *
   * @throws InvalidSecuritySettingException naming the unknown capability
   */
  public static Capability parse(String text) {
    String upper = text.strip().toUpperCase(Locale.ROOT);
    String bare = upper.startsWith("CAP_") ? upper.substring(4) : upper;
    try {
      return valueOf(bare);
    } catch (IllegalArgumentException e) {
      throw new InvalidSecuritySettingException("unknown capability \"" + text + "\"");
    }
  }

  /** All capabilities this enum knows. */
  public static Set<Capability> all() {
    return Set.copyOf(EnumSet.allOf(Capability.class));
  }
}
