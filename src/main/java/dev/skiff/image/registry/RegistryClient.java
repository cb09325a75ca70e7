package dev.skiff.image.registry;

import com.fasterxml.jackson.databind.JsonNode;
import dev.skiff.image.Digest;
import dev.skiff.image.InvalidDigestException;
import dev.skiff.image.json.Descriptor;
import dev.skiff.image.json.ImageJson;
import dev.skiff.image.json.MediaTypes;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * A client of one registry (OCI distribution API v2) for pulling: manifests, blobs and tag lists.
 *
 * <p>The first request pings {@code /v2/} over HTTPS; only an {@code insecure} registry (listed
 * as such, or pulled with {@code tlsVerify=false}) skips certificate verification and, when
 * HTTPS fails, falls back to plain HTTP, as containers/image does. A 401 is answered once per
 * repository: a {@code Bearer} challenge fetches a token from its realm (with the credentials as
 * Basic, or an identity token as an OAuth2 refresh token), a {@code Basic} challenge sends the
 * credentials. Redirects (blob storage) are followed by hand without the Authorization header
 * when they leave the registry's host. Blob streams check size and digest as they are read.
 */
public final class RegistryClient {
  static final String MANIFEST_ACCEPT = String.join(", ", MediaTypes.OCI_INDEX, MediaTypes.OCI_MANIFEST,
      MediaTypes.DOCKER_MANIFEST_LIST, MediaTypes.DOCKER_MANIFEST);
  static final int MAX_MANIFEST_BYTES = 4 << 20;
  private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(60);
  /** Bound on the ping (TCP + TLS handshake + answer), as Go's 10 s TLS handshake timeout bounds podman's. */
  static final Duration PING_TIMEOUT = Duration.ofSeconds(10);

  /** A manifest or index as the registry sent it. */
  public record Manifest(byte[] bytes, String mediaType, Digest digest) {}

  private final String registry;
  private final String host;
  private final boolean insecure;
  private final Optional<RegistryAuth.Credentials> credentials;
  private final HttpClient http;
  private final Map<String, String> authorizations = new HashMap<>();
  private final Duration pingTimeout;
  private String scheme;
  private int requests;

  /**
   * @param registry as in image references ({@code docker.io}, {@code 127.0.0.1:5000})
   * @param insecure skip TLS verification and allow the HTTP fallback
   * @param http a client from {@link HttpClients}: verifying, or trusting all when insecure
   */
  public RegistryClient(String registry, boolean insecure, Optional<RegistryAuth.Credentials> credentials,
      HttpClient http) {
    this(registry, insecure, credentials, http, PING_TIMEOUT);
  }

  RegistryClient(String registry, boolean insecure, Optional<RegistryAuth.Credentials> credentials, HttpClient http,
      Duration pingTimeout) {
    this.pingTimeout = pingTimeout;
    this.registry = registry;
    this.host = registry.equals("docker.io") ? "registry-1.docker.io" : registry;
    this.insecure = insecure;
    this.credentials = credentials;
    this.http = http;
  }

  public String registry() {
    return registry;
  }

  /** HTTP requests sent so far (tests count them). */
  public int requests() {
    return requests;
  }

  // ---- API ------------------------------------------------------------------------------------

  /** {@code GET /v2/<repo>/manifests/<tag or digest>}. */
  public Manifest manifest(String repo, String reference) throws RegistryException {
    HttpResponse<InputStream> r = get(repo, "/v2/" + repo + "/manifests/" + reference, MANIFEST_ACCEPT);
    String where = "reading manifest " + reference + " in " + registry + "/" + repo;
    try (InputStream body = r.body()) {
      if (r.statusCode() != 200) {
        throw statusError(r.statusCode(), body, where);
      }
      byte[] bytes = body.readNBytes(MAX_MANIFEST_BYTES + 1);
      if (bytes.length > MAX_MANIFEST_BYTES) {
        throw new RegistryException(RegistryException.Kind.INVALID, where + ": manifest larger than "
            + MAX_MANIFEST_BYTES + " bytes");
      }
      String type = r.headers().firstValue("Content-Type").map(t -> t.split(";")[0].strip()).orElse("");
      if (type.isEmpty() || type.equals("application/json") || type.equals("text/plain")) {
        type = mediaTypeOf(bytes);
      }
      return new Manifest(bytes, type, Digest.sha256(bytes));
    } catch (IOException e) {
      throw new RegistryException(RegistryException.Kind.UNREACHABLE, where + ": " + describe(e), e);
    }
  }

  private static String mediaTypeOf(byte[] json) {
    try {
      JsonNode n = ImageJson.mapper().readTree(json);
      JsonNode t = n == null ? null : n.get("mediaType");
      if (t != null && t.isTextual()) {
        return t.asText();
      }
      return n != null && n.has("manifests") ? MediaTypes.OCI_INDEX : MediaTypes.OCI_MANIFEST;
    } catch (IOException e) {
      return "";
    }
  }

  /**
   * Opens {@code GET /v2/<repo>/blobs/<digest>}. Reading the stream to its end checks the size
   * and digest of {@code d}: a mismatch throws {@link BlobMismatchException} from {@code read}.
   */
  public InputStream blob(String repo, Descriptor d) throws RegistryException {
    Digest digest;
    try {
      digest = Digest.parse(d.digest());
    } catch (InvalidDigestException e) {
      throw new RegistryException(RegistryException.Kind.INVALID, "invalid blob digest: " + e.getMessage(), e);
    }
    String where = "fetching blob " + digest + " from " + registry + "/" + repo;
    HttpResponse<InputStream> r = get(repo, "/v2/" + repo + "/blobs/" + digest, null);
    if (r.statusCode() != 200) {
      try (InputStream body = r.body()) {
        throw statusError(r.statusCode(), body, where);
      } catch (IOException e) {
        throw new RegistryException(RegistryException.Kind.UNREACHABLE, where + ": " + describe(e), e);
      }
    }
    return new VerifyingInputStream(r.body(), digest, d.size());
  }

  /** {@code GET /v2/<repo>/tags/list} (first page of up to 10,000). */
  public List<String> tags(String repo) throws RegistryException {
    String where = "listing tags of " + registry + "/" + repo;
    HttpResponse<InputStream> r = get(repo, "/v2/" + repo + "/tags/list?n=10000", "application/json");
    try (InputStream body = r.body()) {
      if (r.statusCode() != 200) {
        throw statusError(r.statusCode(), body, where);
      }
      JsonNode n = ImageJson.mapper().readTree(body.readNBytes(MAX_MANIFEST_BYTES));
      List<String> out = new ArrayList<>();
      if (n != null && n.get("tags") != null) {
        n.get("tags").forEach(t -> out.add(t.asText()));
      }
      return out;
    } catch (IOException e) {
      throw new RegistryException(RegistryException.Kind.INVALID, where + ": " + describe(e), e);
    }
  }

  // ---- transport ------------------------------------------------------------------------------

  private HttpResponse<InputStream> get(String repo, String path, String accept) throws RegistryException {
    ping();
    HttpResponse<InputStream> r = null;
    for (int attempt = 0; attempt < 2; attempt++) {
      r = follow(URI.create(scheme + "://" + host + path), accept, authorizations.get(repo));
      if (r.statusCode() != 401 || attempt == 1) {
        break;
      }
      closeQuietly(r.body());
      authorize(repo, AuthChallenge.parse(r.headers().allValues("WWW-Authenticate")));
    }
    return r;
  }

  /** Sends a GET, following up to 5 redirects (dropping Authorization when the host changes). */
  private HttpResponse<InputStream> follow(URI uri, String accept, String authorization) throws RegistryException {
    URI cur = uri;
    for (int hop = 0; hop < 6; hop++) {
      HttpRequest.Builder b = HttpRequest.newBuilder(cur).GET().timeout(REQUEST_TIMEOUT)
          .header("User-Agent", "skiff");
      if (accept != null) {
        b.header("Accept", accept);
      }
      if (authorization != null && sameHost(cur, uri)) {
        b.header("Authorization", authorization);
      }
      HttpResponse<InputStream> r = send(b.build());
      int s = r.statusCode();
      if (s != 301 && s != 302 && s != 303 && s != 307 && s != 308) {
        return r;
      }
      closeQuietly(r.body());
      String location = r.headers().firstValue("Location").orElseThrow(() -> new RegistryException(
          RegistryException.Kind.INVALID, "redirect without Location from " + registry));
      cur = cur.resolve(location);
    }
    throw new RegistryException(RegistryException.Kind.INVALID, "too many redirects from " + registry);
  }

  private static boolean sameHost(URI a, URI b) {
    return a.getHost() != null && a.getHost().equalsIgnoreCase(b.getHost()) && a.getPort() == b.getPort();
  }

  private HttpResponse<InputStream> send(HttpRequest req) throws RegistryException {
    requests++;
    try {
      return http.send(req, HttpResponse.BodyHandlers.ofInputStream());
    } catch (IOException e) {
      throw new RegistryException(RegistryException.Kind.UNREACHABLE,
          "Get \"" + req.uri() + "\": " + describe(e), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new RegistryException(RegistryException.Kind.UNREACHABLE, "interrupted", e);
    }
  }

  /** Finds the scheme with {@code GET /v2/}: HTTPS, or HTTP for an insecure registry when HTTPS fails. */
  private void ping() throws RegistryException {
    if (scheme != null) {
      return;
    }
    RegistryException failure;
    try {
      pingWith("https");
      return;
    } catch (RegistryException e) {
      failure = e;
    }
    if (insecure && failure.kind() == RegistryException.Kind.UNREACHABLE) {
      try {
        pingWith("http");
        return;
      } catch (RegistryException e) {
        failure = e;
      }
    }
    throw new RegistryException(failure.kind(), "pinging container registry " + registry + ": "
        + failure.getMessage(), failure);
  }

  private void pingWith(String s) throws RegistryException {
    URI uri = URI.create(s + "://" + host + "/v2/");
    Duration timeout = s.equals("https") ? pingTimeout : REQUEST_TIMEOUT;
    HttpResponse<InputStream> r = send(HttpRequest.newBuilder(uri).GET().timeout(timeout)
        .header("User-Agent", "skiff").build());
    closeQuietly(r.body());
    if (r.statusCode() != 200 && r.statusCode() != 401) {
      throw new RegistryException(RegistryException.Kind.INVALID, "Get \"" + uri + "\": unexpected HTTP status "
          + r.statusCode() + " (not a registry?)");
    }
    scheme = s;
  }

  private void authorize(String repo, List<AuthChallenge> challenges) throws RegistryException {
    for (AuthChallenge c : challenges) {
      if (c.scheme().equals("bearer") && c.param("realm") != null) {
        authorizations.put(repo, "Bearer " + token(c, "repository:" + repo + ":pull"));
        return;
      }
    }
    for (AuthChallenge c : challenges) {
      if (c.scheme().equals("basic")) {
        RegistryAuth.Credentials cr = credentials.filter(RegistryAuth.Credentials::hasPassword)
            .orElseThrow(() -> new RegistryException(RegistryException.Kind.UNAUTHORIZED,
                "unauthorized: authentication required by " + registry + " (no credentials given)"));
        authorizations.put(repo, basic(cr));
        return;
      }
    }
    throw new RegistryException(RegistryException.Kind.UNAUTHORIZED, "unauthorized: " + registry
        + " answered 401 without a supported authentication challenge");
  }

  private static String basic(RegistryAuth.Credentials c) {
    return "Basic " + Base64.getEncoder().encodeToString((c.username() + ":" + c.password())
        .getBytes(StandardCharsets.UTF_8));
  }

  /** Fetches a bearer token from the challenge's realm (GET with Basic, or an OAuth2 refresh-token POST). */
  private String token(AuthChallenge c, String scope) throws RegistryException {
    String service = c.param("service");
    String query = (service == null ? "" : "service=" + enc(service) + "&") + "scope=" + enc(scope);
    URI realm;
    try {
      realm = URI.create(c.param("realm"));
    } catch (IllegalArgumentException e) {
      throw new RegistryException(RegistryException.Kind.INVALID, "invalid token realm " + c.param("realm"), e);
    }
    HttpRequest.Builder b;
    if (credentials.isPresent() && credentials.get().hasIdentityToken()) {
      String form = "grant_type=refresh_token&client_id=skiff&refresh_token=" + enc(credentials.get().identityToken())
          + "&" + query;
      b = HttpRequest.newBuilder(realm).POST(HttpRequest.BodyPublishers.ofString(form))
          .header("Content-Type", "application/x-www-form-urlencoded");
    } else {
      b = HttpRequest.newBuilder(URI.create(realm + (realm.getQuery() == null ? "?" : "&") + query)).GET();
      credentials.filter(RegistryAuth.Credentials::hasPassword).ifPresent(cr -> b.header("Authorization", basic(cr)));
    }
    HttpResponse<InputStream> r = send(b.timeout(REQUEST_TIMEOUT).header("User-Agent", "skiff").build());
    try (InputStream body = r.body()) {
      byte[] bytes = body.readNBytes(1 << 20);
      if (r.statusCode() == 401 || r.statusCode() == 403) {
        throw new RegistryException(RegistryException.Kind.UNAUTHORIZED, "unable to retrieve auth token from "
            + realm + ": invalid username/password: unauthorized");
      }
      if (r.statusCode() != 200) {
        throw new RegistryException(RegistryException.Kind.UNAUTHORIZED, "unable to retrieve auth token from "
            + realm + ": unexpected HTTP status " + r.statusCode());
      }
      JsonNode n = ImageJson.mapper().readTree(bytes);
      JsonNode t = n == null ? null : n.hasNonNull("token") ? n.get("token") : n.get("access_token");
      if (t == null || t.asText().isEmpty()) {
        throw new RegistryException(RegistryException.Kind.UNAUTHORIZED, "the token server " + realm
            + " answered without a token");
      }
      return t.asText();
    } catch (IOException e) {
      throw new RegistryException(RegistryException.Kind.UNAUTHORIZED, "reading the token from " + realm + ": "
          + describe(e), e);
    }
  }

  private static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  /** The registry's error (distribution's {@code {"errors":[{"code","message"}]}}) as podman prints it. */
  private RegistryException statusError(int status, InputStream body, String where) throws IOException {
    String detail = errorText(body.readNBytes(64 << 10));
    RegistryException.Kind kind = switch (status) {
      case 404 -> RegistryException.Kind.NOT_FOUND;
      case 401, 403 -> RegistryException.Kind.UNAUTHORIZED;
      default -> RegistryException.Kind.INVALID;
    };
    if (detail.isEmpty()) {
      detail = switch (status) {
        case 404 -> "manifest unknown";
        case 401 -> "unauthorized: authentication required";
        case 403 -> "denied: requested access to the resource is denied";
        default -> "unexpected HTTP status " + status;
      };
    }
    return new RegistryException(kind, where + ": " + detail);
  }

  static String errorText(byte[] body) {
    try {
      JsonNode n = ImageJson.mapper().readTree(body);
      JsonNode errors = n == null ? null : n.get("errors");
      if (errors != null && errors.isArray() && !errors.isEmpty()) {
        List<String> parts = new ArrayList<>();
        for (JsonNode e : errors) {
          String code = e.path("code").asText("").toLowerCase(Locale.ROOT).replace('_', ' ');
          String message = e.path("message").asText("");
          parts.add(code.isEmpty() ? message : message.isEmpty() ? code : code + ": " + message);
        }
        return String.join("; ", parts);
      }
    } catch (IOException e) {
      // not JSON: no detail
    }
    return "";
  }

  static String describe(Throwable e) {
    for (Throwable c = e; c != null; c = c.getCause()) {
      if (c instanceof java.net.ConnectException) {
        return "dial tcp: connect: connection refused";
      }
    }
    Throwable t = e;
    while (t.getCause() != null && (t.getMessage() == null || t.getMessage().isBlank())) {
      t = t.getCause();
    }
    String m = t.getMessage();
    if (t instanceof java.net.http.HttpTimeoutException) {
      return "timeout: " + m;
    }
    return m == null || m.isBlank() ? t.getClass().getSimpleName() : m;
  }

  private static void closeQuietly(InputStream in) {
    try {
      in.close();
    } catch (IOException ignored) {
      // nothing to do
    }
  }

  /** A blob whose size or digest is not what its descriptor says. */
  public static final class BlobMismatchException extends IOException {
    BlobMismatchException(String message) {
      super(message);
    }
  }

  /** Counts and hashes what passes; at end of stream compares with the descriptor. */
  static final class VerifyingInputStream extends FilterInputStream {
    private final Digest expected;
    private final long expectedSize;
    private final MessageDigest md;
    private long count;
    private boolean checked;

    VerifyingInputStream(InputStream in, Digest expected, long expectedSize) {
      super(in);
      this.expected = expected;
      this.expectedSize = expectedSize;
      this.md = expected.algorithm().newMessageDigest();
    }

    @Override
    public int read() throws IOException {
      byte[] one = new byte[1];
      int n = read(one, 0, 1);
      return n < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      int n = super.read(b, off, len);
      if (n > 0) {
        md.update(b, off, n);
        count += n;
        if (expectedSize >= 0 && count > expectedSize) {
          throw new BlobMismatchException("blob " + expected + " is larger than its descriptor's " + expectedSize
              + " bytes");
        }
      } else if (n < 0 && !checked) {
        checked = true;
        if (expectedSize >= 0 && count != expectedSize) {
          throw new BlobMismatchException("blob " + expected + " has " + count + " bytes, its descriptor says "
              + expectedSize);
        }
        Digest actual = Digest.fromBytes(expected.algorithm(), md.digest());
        if (!actual.equals(expected)) {
          throw new BlobMismatchException("Digest did not match, expected " + expected + ", got " + actual);
        }
      }
      return n;
    }

    @Override
    public long skip(long n) throws IOException {
      int r = read(new byte[(int) Math.max(0, Math.min(n, 8192))]);
      return Math.max(r, 0);
    }

    @Override
    public boolean markSupported() {
      return false;
    }

    /** Reads what is left, so the check runs even when the consumer stopped early. */
    void drain() throws IOException {
      byte[] buf = new byte[64 * 1024];
      while (read(buf, 0, buf.length) >= 0) {
        // counting and hashing
      }
    }
  }

  /** Drains and verifies a stream from {@link #blob}. */
  public static void finish(InputStream blob) throws IOException {
    if (blob instanceof VerifyingInputStream v) {
      v.drain();
    }
  }
}
