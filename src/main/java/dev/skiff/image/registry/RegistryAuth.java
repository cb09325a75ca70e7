package dev.skiff.image.registry;

import com.fasterxml.jackson.databind.JsonNode;
import dev.skiff.image.json.ImageJson;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Iterator;
import java.util.Map;
import java.util.Optional;

/**
 * Credentials from the {@code X-Registry-Auth} request header: base64url (or standard base64)
 * JSON, either one auth config {@code {"username","password","serveraddress"}} / {@code
 * {"identitytoken"}} / {@code {"auth":"base64(user:pass)"}}, or a map from registry host to such
 * configs. {@code e30=} ({@code {}}) and an absent header mean anonymous.
 */
public final class RegistryAuth {

  /** Credentials for one registry. {@code identityToken} is an OAuth2 refresh token. */
  public record Credentials(String username, String password, String identityToken) {
    public boolean hasPassword() {
      return username != null && !username.isEmpty() && password != null;
    }

    public boolean hasIdentityToken() {
      return identityToken != null && !identityToken.isEmpty();
    }

    @Override
    public String toString() {
      return "Credentials[" + (username == null ? "" : username) + ", ***]";
    }
  }

  private final Credentials single;
  private final String singleServer;
  private final Map<String, Credentials> byServer;

  private RegistryAuth(Credentials single, String singleServer, Map<String, Credentials> byServer) {
    this.single = single;
    this.singleServer = singleServer;
    this.byServer = Map.copyOf(byServer);
  }

  public static final RegistryAuth ANONYMOUS = new RegistryAuth(null, null, Map.of());

  /** Decodes the header value; throws {@link IllegalArgumentException} naming what is wrong. */
  public static RegistryAuth decode(String header) {
    if (header == null || header.isBlank()) {
      return ANONYMOUS;
    }
    byte[] json;
    try {
      json = Base64.getUrlDecoder().decode(header.strip().replace('+', '-').replace('/', '_'));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("X-Registry-Auth is not base64: " + e.getMessage(), e);
    }
    JsonNode root;
    try {
      root = ImageJson.mapper().readTree(json);
    } catch (IOException e) {
      throw new IllegalArgumentException("X-Registry-Auth is not JSON", e);
    }
    if (root == null || !root.isObject()) {
      throw new IllegalArgumentException("X-Registry-Auth is not a JSON object");
    }
    if (root.isEmpty()) {
      return ANONYMOUS;
    }
    if (isAuthConfig(root)) {
      return new RegistryAuth(credentials(root), text(root, "serveraddress"), Map.of());
    }
    java.util.HashMap<String, Credentials> map = new java.util.HashMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      if (!e.getValue().isObject()) {
        throw new IllegalArgumentException("X-Registry-Auth: entry \"" + e.getKey() + "\" is not an object");
      }
      map.put(normalizeServer(e.getKey()), credentials(e.getValue()));
    }
    return new RegistryAuth(null, null, map);
  }

  private static boolean isAuthConfig(JsonNode n) {
    for (String k : new String[] {"username", "password", "auth", "identitytoken", "serveraddress", "email"}) {
      if (n.has(k)) {
        return true;
      }
    }
    return false;
  }

  private static Credentials credentials(JsonNode n) {
    String user = text(n, "username");
    String pass = text(n, "password");
    String auth = text(n, "auth");
    if ((user == null || user.isEmpty()) && auth != null && !auth.isEmpty()) {
      String decoded;
      try {
        decoded = new String(Base64.getDecoder().decode(auth), StandardCharsets.UTF_8);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("X-Registry-Auth: \"auth\" is not base64", e);
      }
      int colon = decoded.indexOf(':');
      if (colon < 0) {
        throw new IllegalArgumentException("X-Registry-Auth: \"auth\" is not user:password");
      }
      user = decoded.substring(0, colon);
      pass = decoded.substring(colon + 1);
    }
    return new Credentials(user, pass, text(n, "identitytoken"));
  }

  private static String text(JsonNode n, String field) {
    JsonNode v = n.get(field);
    return v == null || v.isNull() ? null : v.asText();
  }

  /** {@code https://host:port/v1/} and {@code host:port} both name {@code host:port}. */
  static String normalizeServer(String s) {
    String h = s.strip();
    int scheme = h.indexOf("://");
    if (scheme >= 0) {
      h = h.substring(scheme + 3);
    }
    int slash = h.indexOf('/');
    if (slash >= 0) {
      h = h.substring(0, slash);
    }
    if (h.equals("index.docker.io") || h.equals("registry-1.docker.io")) {
      return "docker.io";
    }
    return h;
  }

  /**
   * The credentials for {@code registry} (as in an image reference, e.g. {@code docker.io},
   * {@code 127.0.0.1:5000}). A single config applies to any registry unless its {@code
   * serveraddress} names another one.
   */
  public Optional<Credentials> forRegistry(String registry) {
    if (single != null) {
      if (singleServer == null || singleServer.isBlank() || normalizeServer(singleServer).equals(registry)) {
        return Optional.of(single);
      }
      return Optional.empty();
    }
    return Optional.ofNullable(byServer.get(registry));
  }
}
