package dev.skiff.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * API request metrics: {@code skiff_api_requests_total} and {@code skiff_api_request_seconds}.
 * Meters are looked up once per (route, method, status) and cached: the request path stays cheap.
 */
@ApplicationScoped
public class ApiMetrics {

  private record Key(String route, String method, int status) {}

  private record Meters(Counter requests, Timer latency) {}

  private final MeterRegistry registry;
  private final ConcurrentHashMap<Key, Meters> meters = new ConcurrentHashMap<>();

  public ApiMetrics(MeterRegistry registry) {
    this.registry = registry;
  }

  public void record(String route, String method, int status, long nanos) {
    Meters m = meters.computeIfAbsent(new Key(route, method, status), this::register);
    m.requests().increment();
    m.latency().record(nanos, TimeUnit.NANOSECONDS);
  }

  private Meters register(Key k) {
    return new Meters(
        Counter.builder("skiff.api.requests")
            .description("API requests served, by route, method and status")
            .tags("route", k.route(), "method", k.method(), "status", Integer.toString(k.status()))
            .register(registry),
        Timer.builder("skiff.api.request")
            .description("API request latency by route")
            .tags("route", k.route(), "method", k.method())
            .register(registry));
  }
}
