package dev.skiff.engine.container;

import dev.skiff.engine.InvalidArgumentException;

/**
 * What the daemon does when a container exits: {@code no} (default), {@code always},
 * {@code unless-stopped}, {@code on-failure[:N]} (N = {@code maxRetries}, 0 = unlimited). A
 * container a client stopped or killed stays stopped.
 */
public record RestartPolicy(String name, int maxRetries) {

  public static RestartPolicy of(ContainerSpec.Basic b) {
    String n = b.restartPolicy().isEmpty() ? "no" : b.restartPolicy();
    return new RestartPolicy(n, b.restartTries());
  }

  /** Checks a request: a known policy, retries only with on-failure, never together with remove. */
  public static void validate(ContainerSpec.Basic b) {
    RestartPolicy p = of(b);
    switch (p.name()) {
      case "no", "always", "unless-stopped", "on-failure" -> { }
      default -> throw new InvalidArgumentException("invalid restart policy \"" + p.name()
          + "\": use no, always, unless-stopped or on-failure[:N]");
    }
    if (p.maxRetries() < 0 || (p.maxRetries() > 0 && !p.name().equals("on-failure"))) {
      throw new InvalidArgumentException("restart retries are only valid with the on-failure policy (and not negative)");
    }
    if (b.remove() && !p.name().equals("no")) {
      throw new InvalidArgumentException("the --rm option conflicts with --restart " + p.name());
    }
  }

  boolean shouldRestart(ContainerRecord exited) {
    if (exited.stoppedByUser()) {
      return false;
    }
    return switch (name) {
      case "always", "unless-stopped" -> true;
      case "on-failure" -> exited.exitCode() != 0 && (maxRetries <= 0 || exited.restartCount() < maxRetries);
      default -> false;
    };
  }
}
