package dev.skiff.helm;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Just enough of a Kubernetes API server on loopback for {@code helm install --dry-run=server}:
 * version and discovery (with or without the Prometheus Operator's monitoring.coreos.com/v1),
 * an empty release history, and 404 for every object Helm looks up. It records the requests, so
 * a test sees which objects Helm rendered (it looks each one up before installing).
 */
final class FakeKubeApi implements AutoCloseable {

  private final HttpServer server;
  private final boolean serviceMonitorApi;
  private final List<String> requests = new CopyOnWriteArrayList<>();

  FakeKubeApi(boolean serviceMonitorApi) throws IOException {
    this.serviceMonitorApi = serviceMonitorApi;
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/", this::answer);
    server.start();
  }

  String kubeconfig(String namespace) {
    return """
        apiVersion: v1
        kind: Config
        clusters: [{name: fake, cluster: {server: "http://127.0.0.1:%d"}}]
        users: [{name: u, user: {token: fake}}]
        contexts: [{name: c, context: {cluster: fake, user: u, namespace: %s}}]
        current-context: c
        """.formatted(server.getAddress().getPort(), namespace);
  }

  /** "METHOD path" of every request so far. */
  List<String> requests() {
    return List.copyOf(requests);
  }

  private void answer(HttpExchange ex) throws IOException {
    String path = ex.getRequestURI().getPath();
    requests.add(ex.getRequestMethod() + " " + path);
    int status = 200;
    String body = switch (path) {
      case "/version" -> "{\"major\":\"1\",\"minor\":\"31\",\"gitVersion\":\"v1.31.0\",\"platform\":\"linux/amd64\"}";
      case "/api" -> "{\"kind\":\"APIVersions\",\"versions\":[\"v1\"],"
          + "\"serverAddressByClientCIDRs\":[{\"clientCIDR\":\"0.0.0.0/0\",\"serverAddress\":\"127.0.0.1\"}]}";
      case "/apis" -> "{\"kind\":\"APIGroupList\",\"apiVersion\":\"v1\",\"groups\":[" + group("apps")
          + (serviceMonitorApi ? "," + group("monitoring.coreos.com") : "") + "]}";
      case "/api/v1" -> resources("v1", "services:Service", "secrets:Secret", "pods:Pod");
      case "/apis/apps/v1" -> resources("apps/v1", "daemonsets:DaemonSet");
      case "/apis/monitoring.coreos.com/v1" -> serviceMonitorApi
          ? resources("monitoring.coreos.com/v1", "servicemonitors:ServiceMonitor") : null;
      default -> path.endsWith("/secrets") && ex.getRequestMethod().equals("GET")
          ? "{\"kind\":\"SecretList\",\"apiVersion\":\"v1\",\"metadata\":{},\"items\":[]}" : null;
    };
    if (body == null) {
      status = 404;
      body = "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"status\":\"Failure\",\"reason\":\"NotFound\",\"code\":404}";
    }
    byte[] out = body.getBytes(StandardCharsets.UTF_8);
    ex.getResponseHeaders().add("Content-Type", "application/json");
    ex.sendResponseHeaders(status, out.length);
    ex.getResponseBody().write(out);
    ex.close();
  }

  private static String group(String name) {
    String gv = "{\"groupVersion\":\"" + name + "/v1\",\"version\":\"v1\"}";
    return "{\"name\":\"" + name + "\",\"versions\":[" + gv + "],\"preferredVersion\":" + gv + "}";
  }

  private static String resources(String groupVersion, String... nameKinds) {
    StringBuilder b = new StringBuilder("{\"kind\":\"APIResourceList\",\"apiVersion\":\"v1\",\"groupVersion\":\"")
        .append(groupVersion).append("\",\"resources\":[");
    for (int i = 0; i < nameKinds.length; i++) {
      String[] nk = nameKinds[i].split(":");
      b.append(i > 0 ? "," : "").append("{\"name\":\"").append(nk[0]).append("\",\"singularName\":\"\",")
          .append("\"namespaced\":true,\"kind\":\"").append(nk[1])
          .append("\",\"verbs\":[\"get\",\"list\",\"create\",\"delete\",\"update\",\"patch\",\"watch\"]}");
    }
    return b.append("]}").toString();
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
