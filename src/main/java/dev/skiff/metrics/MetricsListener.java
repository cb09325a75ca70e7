package dev.skiff.metrics;

import dev.skiff.config.MetricsAddress;
import dev.skiff.config.SkiffConfig;
import io.micrometer.prometheus.PrometheusMeterRegistry;
import io.quarkus.runtime.StartupEvent;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.jboss.logging.Logger;

/**
 * The optional loopback TCP listener for Prometheus ({@code --metrics-address}), which cannot
 * scrape a unix socket. It serves {@code GET /metrics} and nothing else: the API stays on the socket.
 */
@ApplicationScoped
public class MetricsListener {

  private static final Logger LOG = Logger.getLogger(MetricsListener.class);

  void start(@Observes StartupEvent ev, SkiffConfig config, Vertx vertx, PrometheusMeterRegistry registry) {
    if (config.metricsAddress().isEmpty()) {
      return;
    }
    MetricsAddress addr = MetricsAddress.parse(config.metricsAddress().get(), config.metricsAllowRemote());
    HttpServer server = vertx.createHttpServer().requestHandler(req -> {
      if (req.method().name().equals("GET") && req.path().equals("/metrics")) {
        req.response().putHeader("Content-Type", "text/plain; version=0.0.4; charset=utf-8").end(registry.scrape());
      } else {
        req.response().setStatusCode(404).putHeader("Content-Type", "text/plain").end("only GET /metrics is served here\n");
      }
    });
    try {
      server.listen(addr.port(), addr.host()).toCompletionStage().toCompletableFuture().join();
    } catch (RuntimeException e) {
      throw new IllegalStateException("cannot listen on --metrics-address " + config.metricsAddress().get() + ": "
          + (e.getCause() != null ? e.getCause().getMessage() : e.getMessage()), e);
    }
    LOG.infof("metrics on http://%s:%d/metrics", addr.host(), addr.port());
  }
}
