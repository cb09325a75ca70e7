package dev.skiff.metrics;

import dev.skiff.engine.ContainerState;
import dev.skiff.engine.SystemService;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

/** {@code skiff_containers{state=...}}: containers in each state, read from the store at scrape. */
@ApplicationScoped
public class ContainerStateMetrics {

  void register(@Observes StartupEvent ev, MeterRegistry registry, SystemService system) {
    for (ContainerState s : ContainerState.values()) {
      Gauge.builder("skiff.containers", system, sys -> sys.containerCounts().get(s.wireName()))
          .description("Containers by state")
          .tag("state", s.wireName())
          .register(registry);
    }
  }
}
