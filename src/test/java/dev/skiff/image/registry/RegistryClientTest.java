package dev.skiff.image.registry;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.skiff.image.Digest;
import dev.skiff.image.json.Descriptor;
import dev.skiff.image.json.MediaTypes;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The authentication handshake against a tiny JDK HttpServer fake (the token server a local
 * docker-registry cannot provide): Bearer challenge → token with Basic credentials → retry, a
 * blob redirect to another host without the Authorization header, digest checks, and the HTTPS
 * first / HTTP only-when-insecure rule. Real pulls are tested against docker-registry in RegistryIT.
 */
class RegistryClientTest {
  static final byte[] MANIFEST = ("{\"schemaVersion\":2,\"mediaType\":\"" + MediaTypes.OCI_MANIFEST + "\"}")
      .getBytes(StandardCharsets.UTF_8);
  static final byte[] BLOB = "blob content".getBytes(StandardCharsets.UTF_8);

  HttpServer server;
  int port;
  final AtomicReference<String> storageAuth = new AtomicReference<>("unset");
  final AtomicReference<String> tokenQuery = new AtomicReference<>();

  @BeforeEach
  void start() throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    port = server.getAddress().getPort();
    String challenge = "Bearer realm=\"http://127.0.0.1:" + port + "/token\",service=\"fake\"";
    server.createContext("/v2/", ex -> {
      String path = ex.getRequestURI().getPath();
      if (!"Bearer T1".equals(ex.getRequestHeaders().getFirst("Authorization"))) {
        ex.getResponseHeaders().add("WWW-Authenticate", challenge);
        reply(ex, 401, "{\"errors\":[{\"code\":\"UNAUTHORIZED\",\"message\":\"authentication required\"}]}");
      } else if (path.equals("/v2/")) {
        reply(ex, 200, "{}");
      } else if (path.equals("/v2/lib/x/manifests/latest")) {
        ex.getResponseHeaders().add("Content-Type", MediaTypes.OCI_MANIFEST);
        reply(ex, 200, MANIFEST);
      } else if (path.startsWith("/v2/lib/x/blobs/")) {
        ex.getResponseHeaders().add("Location", "http://localhost:" + port + "/storage/blob");
        reply(ex, 307, "");
      } else {
        reply(ex, 404, "{\"errors\":[{\"code\":\"MANIFEST_UNKNOWN\",\"message\":\"manifest unknown\"}]}");
      }
    });
    server.createContext("/token", ex -> {
      tokenQuery.set(ex.getRequestURI().getRawQuery());
      String basic = "Basic " + Base64.getEncoder().encodeToString("u:p".getBytes(StandardCharsets.UTF_8));
      if (basic.equals(ex.getRequestHeaders().getFirst("Authorization"))) {
        reply(ex, 200, "{\"token\":\"T1\"}");
      } else {
        reply(ex, 401, "{}");
      }
    });
    server.createContext("/storage/", ex -> {
      storageAuth.set(ex.getRequestHeaders().getFirst("Authorization"));
      reply(ex, 200, BLOB);
    });
    server.start();
  }

  @AfterEach
  void stop() {
    server.stop(0);
  }

  private static void reply(HttpExchange ex, int status, String body) throws IOException {
    reply(ex, status, body.getBytes(StandardCharsets.UTF_8));
  }

  private static void reply(HttpExchange ex, int status, byte[] body) throws IOException {
    ex.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
    if (body.length > 0) {
      ex.getResponseBody().write(body);
    }
    ex.close();
  }

  private RegistryClient client(String user, String password) {
    var creds = user == null ? Optional.<RegistryAuth.Credentials>empty()
        : Optional.of(new RegistryAuth.Credentials(user, password, null));
    // the fake cannot answer a TLS hello, so the HTTPS attempt ends at the (short) ping timeout
    return new RegistryClient("127.0.0.1:" + port, true, creds, HttpClients.insecure(), Duration.ofMillis(300));
  }

  @Test
  void bearerChallenge_fetchesTokenWithBasicCredentials_thenRetries() throws Exception {
    RegistryClient c = client("u", "p");
    var m = c.manifest("lib/x", "latest");
    assertArrayEquals(MANIFEST, m.bytes());
    assertEquals(MediaTypes.OCI_MANIFEST, m.mediaType());
    assertEquals(Digest.sha256(MANIFEST), m.digest());
    assertEquals("service=fake&scope=repository%3Alib%2Fx%3Apull", tokenQuery.get());
  }

  @Test
  void blobRedirectToAnotherHost_dropsAuthorization_andDigestIsChecked() throws Exception {
    RegistryClient c = client("u", "p");
    Descriptor good = Descriptor.of(MediaTypes.OCI_LAYER, Digest.sha256(BLOB).toString(), BLOB.length);
    try (InputStream in = c.blob("lib/x", good)) {
      assertArrayEquals(BLOB, in.readAllBytes());
    }
    assertNull(storageAuth.get(), "the token must not follow the redirect to storage");

    Descriptor wrong = Descriptor.of(MediaTypes.OCI_LAYER, Digest.sha256(new byte[] {1}).toString(), BLOB.length);
    try (InputStream in = c.blob("lib/x", wrong)) {
      var e = assertThrows(RegistryClient.BlobMismatchException.class, in::readAllBytes);
      assertTrue(e.getMessage().startsWith("Digest did not match, expected " + wrong.digest()), e.getMessage());
    }
    Descriptor shorter = Descriptor.of(MediaTypes.OCI_LAYER, Digest.sha256(BLOB).toString(), 3);
    try (InputStream in = c.blob("lib/x", shorter)) {
      assertThrows(RegistryClient.BlobMismatchException.class, in::readAllBytes);
    }
  }

  @Test
  void wrongOrMissingCredentials_areUnauthorized() {
    var wrong = assertThrows(RegistryException.class, () -> client("u", "nope").manifest("lib/x", "latest"));
    assertEquals(RegistryException.Kind.UNAUTHORIZED, wrong.kind());
    assertTrue(wrong.getMessage().contains("invalid username/password"), wrong.getMessage());
    var none = assertThrows(RegistryException.class, () -> client(null, null).manifest("lib/x", "latest"));
    assertEquals(RegistryException.Kind.UNAUTHORIZED, none.kind());
  }

  @Test
  void unknownManifest_isNotFound_withTheRegistrysWords() {
    var e = assertThrows(RegistryException.class, () -> client("u", "p").manifest("lib/x", "nope"));
    assertEquals(RegistryException.Kind.NOT_FOUND, e.kind());
    assertEquals("reading manifest nope in 127.0.0.1:" + port + "/lib/x: manifest unknown: manifest unknown",
        e.getMessage());
  }

  @Test
  void plainHttp_onlyForInsecureRegistries() throws Exception {
    var secure = new RegistryClient("127.0.0.1:" + port, false, Optional.empty(), HttpClients.verifying(),
        Duration.ofMillis(300));
    var e = assertThrows(RegistryException.class, () -> secure.manifest("lib/x", "latest"));
    assertEquals(RegistryException.Kind.UNREACHABLE, e.kind());
    assertTrue(e.getMessage().startsWith("pinging container registry 127.0.0.1:" + port + ": Get \"https://"),
        e.getMessage());
    assertEquals(Digest.sha256(MANIFEST), client("u", "p").manifest("lib/x", "latest").digest(),
        "insecure: HTTPS fails, HTTP is used");
  }
}
