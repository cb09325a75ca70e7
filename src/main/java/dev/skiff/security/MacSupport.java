package dev.skiff.security;

/** Which Linux security modules the host has enabled; detected by the caller, passed in. */
public record MacSupport(boolean apparmorEnabled, boolean selinuxEnabled) {

  public static MacSupport none() {
    return new MacSupport(false, false);
  }
}
