package dev.skiff.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.skiff.api.model.ErrorModel;
import dev.skiff.config.SkiffConfig;
import dev.skiff.metrics.ApiMetrics;
import io.netty.channel.Channel;
import io.netty.channel.unix.PeerCredentials;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.io.IOException;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jboss.logging.Logger;

/**
 * Cross-cutting HTTP concerns, applied before Quarkus REST routes a request:
 *
 * <ol>
 *   <li>the peer check: only the daemon's owner and root may talk to it (SO_PEERCRED);
 *   <li>API headers on every response and per-route request metrics;
 *   <li>{@code GET|HEAD [/v{version}][/libpod]/_ping} is answered right here, with the same
 *       status, headers and body as {@link Ping} (every podman-remote command pings twice, so
 *       this path skips the reroute and the REST dispatch);
 *   <li>the {@code /v{version}} prefix, which any client may send, is stripped;
 *   <li>request bodies without a Content-Type are JSON (podman-remote sends none), a malformed
 *       one like Testcontainers' {@code APPLICATION_X_TAR} is a tar; oversized JSON bodies get 413.
 * </ol>
 */
@ApplicationScoped
public class ApiRouter {

  private static final Logger LOG = Logger.getLogger(ApiRouter.class);
  private static final Pattern VERSION_PREFIX = Pattern.compile("^/v[0-9][0-9A-Za-z.-]*(/.*)$");
  static final String ROUTE_KEY = "skiff.route";

  private final long ownerUid;
  private final long maxJsonBody;
  private final ApiMetrics metrics;
  private final ObjectMapper json;

  public ApiRouter(SkiffConfig config, ApiMetrics metrics, ObjectMapper json) {
    this.ownerUid = config.ownerUid();
    this.maxJsonBody = config.api().maxJsonBody().asLongValue();
    this.metrics = metrics;
    this.json = json;
  }

  void install(@Observes Router router) {
    router.route().order(-1000).handler(this::checkPeer);
    router.route().order(-999).handler(this::rewrite);
  }

  private void checkPeer(RoutingContext rc) {
    Optional<PeerCredentials> peer = peerOf(rc.request());
    if (peer.isEmpty() || (peer.get().uid() != ownerUid && peer.get().uid() != 0)) {
      String who = peer.map(p -> "uid " + p.uid()).orElse("an unidentified peer");
      LOG.warnf("refused API connection from %s (only uid %d and root may connect)", who, ownerUid);
      rc.response().putHeader(HttpHeaders.CONNECTION, "close");
      sendError(rc, 403, "access denied",
          "connection from " + who + " refused: this skiffd serves only uid " + ownerUid + " and root");
      rc.request().connection().close();
      return;
    }
    long start = System.nanoTime();
    rc.addHeadersEndHandler(v -> ApiHeaders.addCommon(rc.response().headers()));
    rc.addEndHandler(v -> metrics.record(
        routeOf(rc), rc.request().method().name(), rc.response().getStatusCode(), System.nanoTime() - start));
    rc.next();
  }

  private void rewrite(RoutingContext rc) {
    HttpServerRequest req = rc.request();
    String ct = req.getHeader(HttpHeaders.CONTENT_TYPE);
    if (ct == null || ct.isBlank()) {
      req.headers().set(HttpHeaders.CONTENT_TYPE, "application/json");
    } else if (!ct.contains("/")) {
      req.headers().set(HttpHeaders.CONTENT_TYPE, "application/x-tar");
    }
    if (tooLarge(req)) {
      sendError(rc, 413, "request body too large",
          "request body of " + req.getHeader(HttpHeaders.CONTENT_LENGTH) + " bytes exceeds the limit of "
              + maxJsonBody + " bytes for JSON requests");
      return;
    }
    if (answerPing(rc, req)) {
      return;
    }
    Matcher m = VERSION_PREFIX.matcher(req.path());
    if (m.matches() && !rc.get("skiff.rerouted", false)) {
      rc.put("skiff.rerouted", true);
      String query = req.query();
      rc.reroute(m.group(1) + (query == null ? "" : "?" + query));
      return;
    }
    rc.next();
  }

  private static final CharSequence TEXT_PLAIN_UTF8 = HttpHeaders.createOptimized("text/plain; charset=utf-8");
  private static final CharSequence EMPTY = HttpHeaders.createOptimized("");
  private static final CharSequence NO_CACHE = HttpHeaders.createOptimized("no-cache");
  private static final CharSequence TWO = HttpHeaders.createOptimized("2");
  private static final CharSequence TRUE = HttpHeaders.createOptimized("true");
  private static final io.vertx.core.buffer.Buffer OK = io.vertx.core.buffer.Buffer.buffer("OK");

  /** Answers {@code _ping} (GET with body {@code OK}, HEAD without) as {@link Ping} does; false for anything else. */
  private boolean answerPing(RoutingContext rc, HttpServerRequest req) {
    String path = req.path();
    boolean head = req.method() == io.vertx.core.http.HttpMethod.HEAD;
    if (!path.endsWith("/_ping") || !(head || req.method() == io.vertx.core.http.HttpMethod.GET)) {
      return false;
    }
    int end = path.length() - "/_ping".length();
    boolean libpod = path.startsWith("/libpod", end - "/libpod".length());
    int prefixEnd = libpod ? end - "/libpod".length() : end;
    if (prefixEnd != 0 && !isVersionSegment(path, prefixEnd)) {
      return false;
    }
    rc.put(ROUTE_KEY, (libpod ? "LibpodSystemResource." : "CompatSystemResource.") + (head ? "pingHead" : "ping"));
    var h = rc.response().headers();
    if (!head) {
      h.add(HttpHeaders.CONTENT_LENGTH, TWO);
    }
    h.add("Builder-Version", EMPTY);
    h.add("Buildkit-Version", EMPTY);
    h.add("Cache-Control", NO_CACHE);
    h.add("Content-Type", TEXT_PLAIN_UTF8);
    h.add("Docker-Experimental", TRUE);
    h.add("Libpod-Buildah-Version", EMPTY);
    h.add("Pragma", NO_CACHE);
    if (head) {
      rc.response().end();
    } else {
      rc.response().end(OK);
    }
    return true;
  }

  /** {@code path[0, end)} is one {@code /v[0-9][0-9A-Za-z.-]*} segment (the version prefix). */
  static boolean isVersionSegment(String path, int end) {
    if (end < 3 || path.charAt(0) != '/' || path.charAt(1) != 'v' || !isDigit(path.charAt(2))) {
      return false;
    }
    for (int i = 3; i < end; i++) {
      char ch = path.charAt(i);
      if (!(isDigit(ch) || (ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') || ch == '.' || ch == '-')) {
        return false;
      }
    }
    return true;
  }

  private static boolean isDigit(char ch) {
    return ch >= '0' && ch <= '9';
  }

  private boolean tooLarge(HttpServerRequest req) {
    String len = req.getHeader(HttpHeaders.CONTENT_LENGTH);
    if (len == null || isUpload(req.path())) {
      return false;
    }
    try {
      return Long.parseLong(len.trim()) > maxJsonBody;
    } catch (NumberFormatException e) {
      return false;
    }
  }

  /** Endpoints whose bodies are archives streamed to disk, not JSON held in memory. */
  static boolean isUpload(String path) {
    return path.endsWith("/images/load") || path.endsWith("/images/import") || path.endsWith("/images/create")
        || path.endsWith("/archive") || path.endsWith("/build");
  }

  private static String routeOf(RoutingContext rc) {
    String r = rc.get(ROUTE_KEY);
    return r != null ? r : "unmatched";
  }

  private void sendError(RoutingContext rc, int status, String cause, String message) {
    rc.response().setStatusCode(status).putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
        .end(errorJson(json, status, cause, message));
  }

  /** The {@link ErrorModel} body, for handlers that answer below Quarkus REST's exception mapping. */
  static String errorJson(ObjectMapper json, int status, String cause, String message) {
    try {
      return json.writeValueAsString(new ErrorModel(cause, message, status));
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private static final io.netty.util.AttributeKey<PeerCredentials> PEER =
      io.netty.util.AttributeKey.valueOf("skiff.peer");

  /**
   * SO_PEERCRED of the connection (Vert.x serves unix sockets through Netty epoll only), read once
   * per connection: the peer of a connected unix socket cannot change.
   */
  static Optional<PeerCredentials> peerOf(HttpServerRequest req) {
    if (req.connection() instanceof io.vertx.core.net.impl.ConnectionBase cb) {
      Channel ch = cb.channel();
      PeerCredentials cached = ch.attr(PEER).get();
      if (cached != null) {
        return Optional.of(cached);
      }
      if (ch instanceof io.netty.channel.epoll.EpollDomainSocketChannel ds) {
        try {
          PeerCredentials pc = ds.peerCredentials();
          ch.attr(PEER).set(pc);
          return Optional.of(pc);
        } catch (IOException e) {
          return Optional.empty();
        }
      }
    }
    return Optional.empty();
  }
}
