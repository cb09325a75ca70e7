package dev.skiff.metrics;

import dev.skiff.engine.SubIdService;
import dev.skiff.security.SubIdUsage;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.function.ToDoubleFunction;

/**
 * {@code skiff_subid_allocated_ids{kind="uid"|"gid"}} and {@code skiff_subid_free_ids{kind=...}},
 * read at scrape time. Rootless: allocated = the size of the user's subordinate ranges (every
 * container's default map uses all of them), free = 0. Root: allocated = pool IDs held by the
 * daemon's allocations in the store (the default container range and the live containers'
 * {@code --userns=auto} ranges), free = pool IDs neither
 * allocated, nor in a subordinate-file entry, nor a real user's uid/gid. See {@link SubIdUsage}.
 */
@ApplicationScoped
public class SubIdMetrics {

  void register(@Observes StartupEvent ev, MeterRegistry registry, SubIdService subIds) {
    gauge(registry, subIds, "skiff.subid.allocated.ids", "uid",
        "Subordinate IDs of the daemon's ranges handed to containers", s -> s.uidUsage().allocated());
    gauge(registry, subIds, "skiff.subid.allocated.ids", "gid",
        "Subordinate IDs of the daemon's ranges handed to containers", s -> s.gidUsage().allocated());
    gauge(registry, subIds, "skiff.subid.free.ids", "uid",
        "Subordinate IDs of the daemon's ranges still free to hand out", s -> s.uidUsage().free());
    gauge(registry, subIds, "skiff.subid.free.ids", "gid",
        "Subordinate IDs of the daemon's ranges still free to hand out", s -> s.gidUsage().free());
  }

  private static void gauge(MeterRegistry registry, SubIdService subIds, String name, String kind, String help,
      ToDoubleFunction<SubIdService> value) {
    Gauge.builder(name, subIds, s -> {
          try {
            return value.applyAsDouble(s);
          } catch (RuntimeException e) {
            return Double.NaN; // e.g. a malformed subordinate file: readiness says why
          }
        })
        .description(help)
        .tag("kind", kind)
        .register(registry);
  }
}
