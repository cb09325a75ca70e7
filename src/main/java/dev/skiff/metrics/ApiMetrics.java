package dev.skiff.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.concurrent.TimeUnit;

/** API request metrics: {@code skiff_api_requests_total} and {@code skiff_api_request_seconds}. */
@ApplicationScoped
public class ApiMetrics {

  private final MeterRegistry registry;

  public ApiMetrics(MeterRegistry registry) {
    this.registry = registry;
  }

  public void record(String route, String method, int status, long nanos) {
    Counter.builder("skiff.api.requests")
        .description("API requests served, by route, method and status")
        .tags("route", route, "method", method, "status", Integer.toString(status))
        .register(registry)
        .increment();
    Timer.builder("skiff.api.request")
        .description("API request latency by route")
        .tags("route", route, "method", method)
        .register(registry)
        .record(nanos, TimeUnit.NANOSECONDS);
  }
}
