package dev.skiff.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;

/** Health checks and Prometheus metrics, on the socket and on the optional loopback listener. */
class HealthMetricsIT {

  @Test
  void health_isLiveAndReadyWithStoreAndShim() {
    try (Daemon d = Daemon.start(TestUser.rootless())) {
      Curl c = d.curl().as(d.user);
      var live = c.get("/q/health/live");
      assertEquals(200, live.status(), live.body());
      assertEquals("UP", live.json().get("status").asText());
      var ready = c.get("/q/health/ready");
      assertEquals(200, ready.status(), ready.body());
      assertEquals("UP", ready.json().get("status").asText());
      assertTrue(ready.body().contains(d.root.resolve("skiff.db").toString()), ready.body());
    }
  }

  @Test
  void health_isNotReadyWhenTheShimIsMissing() {
    try (Daemon d = Daemon.start(TestUser.rootless(), "--shim", "/nonexistent/skiff-shim")) {
      var ready = d.curl().as(d.user).get("/q/health/ready");
      assertEquals(503, ready.status(), ready.body());
      assertTrue(ready.body().contains("skiff-shim not found at /nonexistent/skiff-shim"), ready.body());
    }
  }

  @Test
  void metrics_countRequestsByRouteAndContainersByState() throws Exception {
    int port = freePort();
    try (Daemon d = Daemon.start(TestUser.rootless(), "--metrics-address", "127.0.0.1:" + port)) {
      Curl c = d.curl().as(d.user);
      c.get("/v4.3.1/libpod/_ping");
      c.get("/v4.3.1/libpod/nope");
      String text = c.get("/metrics").body();
      assertTrue(text.contains("skiff_api_requests_total{method=\"GET\",route=\"LibpodSystemResource.ping\",status=\"200\"}"), text);
      assertTrue(text.contains("status=\"404\""), text);
      assertTrue(text.contains("skiff_containers{state=\"running\"} 0.0"), text);

      HttpResponse<String> tcp = HttpClient.newHttpClient().send(
          HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics")).build(),
          HttpResponse.BodyHandlers.ofString());
      assertEquals(200, tcp.statusCode());
      assertTrue(tcp.body().contains("skiff_api_requests_total"));
      HttpResponse<String> api = HttpClient.newHttpClient().send(
          HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/libpod/info")).build(),
          HttpResponse.BodyHandlers.ofString());
      assertEquals(404, api.statusCode(), "the API is never served over TCP");
    }
  }

  @Test
  void metricsAddress_mustBeLoopback() {
    try (Daemon d = Daemon.create(TestUser.ROOT)) {
      var r = d.runExpectingFailure("--metrics-address", "0.0.0.0:9999");
      assertEquals(2, r.exit(), r.stderr());
      assertTrue(r.stderr().contains("only loopback addresses"), r.stderr());
    }
  }

  static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }
}
