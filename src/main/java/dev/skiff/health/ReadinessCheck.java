package dev.skiff.health;

import dev.skiff.config.SkiffConfig;
import dev.skiff.engine.DaemonIdentity;
import dev.skiff.runtime.ShimBinary;
import dev.skiff.store.Store;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Optional;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

/**
 * Ready when the store answers, the shim binary can be run and the daemon's subordinate ID ranges
 * are usable; otherwise says why not (with the fix for missing ranges).
 */
@Readiness
@ApplicationScoped
public class ReadinessCheck implements HealthCheck {

  private final Store store;
  private final SkiffConfig config;
  private final DaemonIdentity identity;

  public ReadinessCheck(Store store, SkiffConfig config, DaemonIdentity identity) {
    this.store = store;
    this.config = config;
    this.identity = identity;
  }

  @Override
  public HealthCheckResponse call() {
    HealthCheckResponseBuilder b = HealthCheckResponse.named("skiffd").up();
    boolean storeOk = storeOpen();
    b.withData("store", storeOk ? "open: " + store.database().file() : "not answering: " + store.database().file());
    Optional<String> shimProblem = new ShimBinary(config.shim()).problem();
    b.withData("shim", shimProblem.orElse("ok: " + config.shim().map(Object::toString).orElse("")));
    Optional<String> idProblem = identity.problem();
    b.withData("subordinateIds", idProblem.orElse("ok: " + identity.defaultUidMap().toProcLines()));
    // informational: without a holder, containers still start (their maps go through newuidmap)
    b.withData("namespaceHolder", identity.holder().flatMap(h -> h.state().map(st -> "pid " + st.pid()
        + ", user namespace " + st.userns() + " (" + h.pidFile() + ")"))
        .orElse("none: " + identity.holderProblem().orElse("not made yet")));
    if (!storeOk || shimProblem.isPresent() || idProblem.isPresent()) {
      b.down();
    }
    return b.build();
  }

  private boolean storeOpen() {
    try {
      return store.isOpen();
    } catch (RuntimeException e) {
      return false;
    }
  }
}
