package dev.skiff.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Ping, version, info and the API's error handling, against a rootless and a root skiffd. */
class SystemApiIT {

  static Daemon rootless;
  static Daemon root;

  @BeforeAll
  static void startDaemons() {
    rootless = Daemon.start(TestUser.rootless());
    root = Daemon.start(TestUser.ROOT);
  }

  @AfterAll
  static void stopDaemons() {
    if (rootless != null) {
      rootless.close();
    }
    if (root != null) {
      root.close();
    }
  }

  static Stream<Daemon> daemons() {
    return Stream.of(rootless, root);
  }

  /** The owner of each daemon is the one who talks to it. */
  static Curl client(Daemon d) {
    return d.curl().as(d.user);
  }

  @ParameterizedTest(autoCloseArguments = false)
  @MethodSource("daemons")
  void ping_answersOnEveryPathAndPrefixWithLibpodHeaders(Daemon d) {
    for (String path : new String[] {"/_ping", "/libpod/_ping", "/v4.3.1/libpod/_ping", "/v1.44/_ping", "/v1.41/_ping"}) {
      var r = client(d).get(path);
      assertEquals(200, r.status(), path);
      assertEquals("OK", r.body(), path);
      assertEquals("4.3.1", r.header("Libpod-Api-Version"), path);
      assertEquals("1.41", r.header("Api-Version"), path);
      assertEquals("no-cache", r.header("Cache-Control"), path);
      assertTrue(r.header("Content-Type").startsWith("text/plain"), path);
    }
    var head = client(d).head("/_ping");
    assertEquals(200, head.status());
    assertEquals("1.41", head.header("Api-Version"));
  }

  @ParameterizedTest(autoCloseArguments = false)
  @MethodSource("daemons")
  void version_reportsRealBuildTimeAndApiVersions(Daemon d) {
    JsonNode v = client(d).get("/v4.3.1/libpod/version").json();
    assertEquals("1.41", v.get("ApiVersion").asText());
    Instant built = Instant.parse(v.get("BuildTime").asText());
    assertTrue(built.isAfter(Instant.parse("2025-01-01T00:00:00Z")), "BuildTime " + built);
    JsonNode engine = v.get("Components").get(0);
    assertEquals("Podman Engine", engine.get("Name").asText());
    assertEquals("4.3.1", engine.get("Details").get("APIVersion").asText());
    assertEquals("4.0.0", engine.get("Details").get("MinAPIVersion").asText());
    assertEquals("linux", engine.get("Details").get("Os").asText());
    assertEquals("4.3.1", v.get("Version").asText(), "the Podman API level, what Docker clients compare");
    assertEquals(v.get("Version"), client(d).get("/version").json().get("Version"));
    assertEquals("Skiff", v.get("Components").get(1).get("Name").asText());
    assertTrue(v.get("Components").get(1).get("Version").asText().matches("\\d+\\.\\d+\\.\\d+.*"), v.toString());
  }

  @ParameterizedTest(autoCloseArguments = false)
  @MethodSource("daemons")
  void info_describesHostStoreAndRootlessness(Daemon d) {
    JsonNode info = client(d).get("/v4.3.1/libpod/info").json();
    assertEquals(!d.user.isRoot(), info.at("/host/security/rootless").asBoolean());
    assertEquals("skiff-shim", info.at("/host/ociRuntime/name").asText());
    assertTrue(info.at("/host/memTotal").asLong() > 0);
    assertTrue(info.at("/host/cpus").asInt() > 0);
    assertEquals(d.runroot.toString(), info.at("/store/runRoot").asText());
    assertEquals(0, info.at("/store/containerStore/number").asInt());
    assertTrue(info.at("/version/Built").asLong() > 1_700_000_000L);
    JsonNode uidmap = info.at("/host/idMappings/uidmap");
    assertTrue(uidmap.isArray() && uidmap.size() > 0);
    JsonNode compat = client(d).get("/v1.44/info").json();
    assertEquals("linux", compat.get("OSType").asText());
    assertTrue(compat.get("MemTotal").isIntegralNumber());
    assertFalse(compat.get("ServerVersion").asText().isEmpty());
  }

  @ParameterizedTest(autoCloseArguments = false)
  @MethodSource("daemons")
  void unknownPaths_getJson404WithTheLibpodErrorBody(Daemon d) {
    for (String path : new String[] {"/nope", "/v4.3.1/libpod/networks/x/json", "/v4.3.1/libpod/pods/x/json",
        "/v4.3.1/libpod/volumes/x/json", "/v1.41/networks/x", "/libpod/containers/x/json"}) {
      var r = client(d).get(path);
      assertEquals(404, r.status(), path);
      assertEquals("application/json", r.header("Content-Type"), path);
      JsonNode e = r.json();
      assertEquals(404, e.get("response").asInt(), path);
      assertFalse(e.get("message").asText().isEmpty(), path);
      assertFalse(e.get("cause").asText().isEmpty(), path);
    }
  }

  @ParameterizedTest(autoCloseArguments = false)
  @MethodSource("daemons")
  void wrongMethod_gets405WithErrorBody(Daemon d) {
    var r = client(d).post("/_ping", null);
    assertEquals(405, r.status());
    assertEquals(405, r.json().get("response").asInt());
    var r2 = client(d).request("DELETE", "/v4.3.1/libpod/info", null);
    assertEquals(405, r2.status());
    assertEquals(405, r2.json().get("response").asInt());
  }

  @ParameterizedTest(autoCloseArguments = false)
  @MethodSource("daemons")
  void malformedJsonBodies_get400WithTheReason(Daemon d) {
    var truncated = client(d).post("/v4.3.1/libpod/volumes/create", "{\"Name\":");
    assertEquals(400, truncated.status());
    assertTrue(truncated.json().get("message").asText().startsWith("invalid JSON request body"), truncated.body());
    var wrongType = client(d).post("/v4.3.1/libpod/volumes/create", "{\"Name\":\"ok\",\"Label\":[1]}");
    assertEquals(400, wrongType.status());
    assertTrue(wrongType.json().get("message").asText().contains("Label"), wrongType.body());
    var badName = client(d).post("/v4.3.1/libpod/volumes/create", "{\"Name\":\"../etc\"}");
    assertEquals(400, badName.status());
    assertTrue(badName.json().get("message").asText().contains("invalid volume name"), badName.body());
    // nothing was half-made
    assertEquals(0, client(d).get("/v4.3.1/libpod/volumes/json").json().size());
  }

  @ParameterizedTest(autoCloseArguments = false)
  @MethodSource("daemons")
  void oversizedJsonBody_gets413(Daemon d) {
    String big = "{\"Name\":\"x\",\"Label\":{\"k\":\"" + "a".repeat(5 * 1024 * 1024) + "\"}}";
    var r = client(d).post("/v4.3.1/libpod/volumes/create", big);
    assertEquals(413, r.status());
    assertEquals(413, r.json().get("response").asInt());
    assertTrue(r.json().get("message").asText().contains("exceeds the limit"));
  }

  @ParameterizedTest(autoCloseArguments = false)
  @MethodSource("daemons")
  void responses_areNeverCompressed(Daemon d) {
    var r = client(d).header("Accept-Encoding: gzip").get("/v4.3.1/libpod/info");
    assertEquals(200, r.status());
    assertNull(r.header("Content-Encoding"));
    assertTrue(r.body().startsWith("{"));
  }

  @ParameterizedTest(autoCloseArguments = false)
  @MethodSource("daemons")
  void volumes_roundTripThroughBothFlavours(Daemon d) {
    var created = client(d).post("/v4.3.1/libpod/volumes/create", "{\"Name\":\"data1\",\"Label\":{\"team\":\"a\"}}");
    assertEquals(201, created.status(), created.body());
    assertEquals("data1", created.json().get("Name").asText());
    assertEquals(409, client(d).post("/v4.3.1/libpod/volumes/create", "{\"Name\":\"data1\"}").status());
    assertEquals(201, client(d).post("/v1.41/volumes/create", "{\"Name\":\"data1\"}").status());
    assertEquals(204, client(d).get("/v4.3.1/libpod/volumes/data1/exists").status());
    var filtered = client(d).get("/v4.3.1/libpod/volumes/json?filters=%7B%22label%22%3A%5B%22team%3Da%22%5D%7D").json();
    assertEquals(1, filtered.size());
    assertEquals("data1", client(d).get("/v1.41/volumes").json().at("/Volumes/0/Name").asText());
    assertEquals(204, client(d).delete("/v4.3.1/libpod/volumes/data1").status());
    var gone = client(d).get("/v4.3.1/libpod/volumes/data1/json");
    assertEquals(404, gone.status());
    assertTrue(gone.json().get("message").asText().endsWith("no such volume"));
  }
}
