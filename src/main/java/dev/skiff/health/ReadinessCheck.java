package dev.skiff.health;

import dev.skiff.config.SkiffConfig;
import dev.skiff.runtime.ShimBinary;
import dev.skiff.store.Store;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Optional;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

/** Ready when the store answers and the shim binary can be run; otherwise says why not. */
@Readiness
@ApplicationScoped
public class ReadinessCheck implements HealthCheck {

  private final Store store;
  private final SkiffConfig config;

  public ReadinessCheck(Store store, SkiffConfig config) {
    this.store = store;
    this.config = config;
  }

  @Override
  public HealthCheckResponse call() {
    HealthCheckResponseBuilder b = HealthCheckResponse.named("skiffd").up();
    boolean storeOk = storeOpen();
    b.withData("store", storeOk ? "open: " + store.database().file() : "not answering: " + store.database().file());
    Optional<String> shimProblem = new ShimBinary(config.shim()).problem();
    b.withData("shim", shimProblem.orElse("ok: " + config.shim().map(Object::toString).orElse("")));
    if (!storeOk || shimProblem.isPresent()) {
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
