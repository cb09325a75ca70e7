package dev.skiff.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.skiff.engine.InvalidArgumentException;
import dev.skiff.engine.SkiffException;
import dev.skiff.engine.container.ContainerLogService;
import dev.skiff.engine.container.ContainerRecord;
import dev.skiff.engine.container.ExecService;
import dev.skiff.engine.container.ExecSession;
import dev.skiff.runtime.LogLine;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.vertx.core.Context;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;
import org.jboss.logging.Logger;

/**
 * The hijacked streams, exec start and attach, for both flavours. Quarkus REST can only send
 * framed (chunked or sized) bodies, but clients read these from the raw connection: podman-remote
 * and Testcontainers expect {@code HTTP/1.1 200 OK} with {@code application/vnd.docker.raw-stream},
 * no Content-Length, no chunking and a body that ends when the connection closes; the docker CLI
 * asks for {@code Upgrade: tcp} and expects {@code 101 UPGRADED}.
 *
 * <p>So these are Vert.x routes (after {@link ApiRouter}'s peer check and version reroute) that
 * take the connection over: once the request is checked, the status line, headers and frames are
 * written to the Netty channel's first handler context, below Vert.x's HTTP encoder (which never
 * sees them), each flushed before the next; the connection is closed at the end. Errors found
 * before that are ordinary JSON error responses with the status {@link ApiExceptionMapper#statusOf}
 * gives. The blocking work runs on virtual threads.
 */
@ApplicationScoped
public class StreamRoutes {

  private static final Logger LOG = Logger.getLogger(StreamRoutes.class);
  private static final String RAW_STREAM = "application/vnd.docker.raw-stream";

  private final ExecService execs;
  private final ContainerLogService logs;
  private final ObjectMapper json;

  public StreamRoutes(ExecService execs, ContainerLogService logs, ObjectMapper json) {
    this.execs = execs;
    this.logs = logs;
    this.json = json;
  }

  void install(@Observes Router router) {
    for (String prefix : new String[] {"", "/libpod"}) {
      boolean libpod = !prefix.isEmpty();
      router.post(prefix + "/exec/:id/start").order(-500).handler(rc -> {
        rc.put(ApiRouter.ROUTE_KEY, (libpod ? "Libpod" : "Compat") + "ExecStream.start");
        withBody(rc, body -> execStart(rc, libpod, body));
      });
      router.post(prefix + "/containers/:id/attach").order(-500).handler(rc -> {
        rc.put(ApiRouter.ROUTE_KEY, (libpod ? "Libpod" : "Compat") + "AttachStream.attach");
        withBody(rc, body -> attach(rc, libpod));
      });
    }
  }

  /** Reads the (small) request body on the event loop, then continues on a virtual thread. */
  private void withBody(RoutingContext rc, java.util.function.Consumer<Buffer> work) {
    Context ctx = Vertx.currentContext();
    rc.put("skiff.context", ctx);
    rc.request().body().onComplete(ar -> Thread.ofVirtual().name("skiff-stream").start(() -> {
      try {
        work.accept(ar.succeeded() ? ar.result() : null);
      } catch (SkiffException e) {
        sendError(rc, ApiExceptionMapper.statusOf(e, isLibpod(rc)), e.cause(), e.getMessage());
      } catch (RuntimeException e) {
        LOG.error("unexpected error serving a stream", e);
        sendError(rc, 500, "internal error", "internal error: " + e.getClass().getSimpleName() + ": " + e.getMessage());
      }
    }));
    rc.request().resume(); // the router paused it before routing
  }

  private static boolean isLibpod(RoutingContext rc) {
    return rc.request().path().startsWith("/libpod/");
  }

  // ---- exec start -------------------------------------------------------------------------------

  private void execStart(RoutingContext rc, boolean libpod, Buffer body) {
    JsonNode b = parse(body);
    if (b.path("Tty").asBoolean(false)) {
      throw new InvalidArgumentException("interactive exec (a TTY) is not supported yet");
    }
    ExecSession s = execs.begin(rc.pathParam("id"));
    if (b.path("Detach").asBoolean(false)) {
      Thread.ofVirtual().name("skiff-exec-detached").start(() -> runQuietly(s));
      respond(rc, 200, "");
      return;
    }
    Raw raw = Raw.hijack(rc, upgradeRequested(rc));
    try {
      raw.begin();
      execs.run(s, raw::frame, raw::gone);
    } catch (IOException gone) {
      // the client left while the process ran; its exit was still recorded
    } finally {
      raw.close();
    }
  }

  private void runQuietly(ExecSession s) {
    try {
      execs.run(s, l -> { }, () -> true);
    } catch (IOException | RuntimeException e) {
      LOG.warnf("detached exec session %s: %s", s.id(), e.getMessage());
    }
  }

  private JsonNode parse(Buffer body) {
    if (body == null || body.length() == 0) {
      return json.createObjectNode();
    }
    try {
      return json.readTree(body.getBytes());
    } catch (IOException e) {
      throw new InvalidArgumentException("invalid JSON request body: " + e.getMessage());
    }
  }

  // ---- attach -----------------------------------------------------------------------------------

  private void attach(RoutingContext rc, boolean libpod) {
    MultiMap q = rc.queryParams();
    if (flag(q.get("stdin"))) {
      throw new InvalidArgumentException("interactive attach (stdin) is not supported yet: "
          + "attach without stdin (podman run without -i)");
    }
    ContainerRecord c = logs.check(rc.pathParam("id"));
    if (c.spec().basic().terminal()) {
      throw new InvalidArgumentException("attaching to a container with a TTY is not supported yet");
    }
    boolean stdout = flag(q.get("stdout"));
    boolean stderr = flag(q.get("stderr"));
    Raw raw = Raw.hijack(rc, upgradeRequested(rc));
    try {
      logs.attach(c, stdout, stderr, raw::begin, raw::frame, raw::gone);
    } catch (IOException gone) {
      // the client went away
    } finally {
      raw.close();
    }
  }

  private static boolean flag(String v) {
    return v != null && (v.equals("1") || v.equalsIgnoreCase("true"));
  }

  private static boolean upgradeRequested(RoutingContext rc) {
    String conn = rc.request().getHeader(HttpHeaders.CONNECTION);
    return conn != null && conn.toLowerCase(Locale.ROOT).contains("upgrade")
        && rc.request().getHeader(HttpHeaders.UPGRADE) != null;
  }

  // ---- responses --------------------------------------------------------------------------------

  private void sendError(RoutingContext rc, int status, String cause, String message) {
    String body = ApiRouter.errorJson(json, status, cause, message);
    onContext(rc, () -> rc.response().setStatusCode(status).putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
        .end(body));
  }

  private static void respond(RoutingContext rc, int status, String body) {
    onContext(rc, () -> rc.response().setStatusCode(status).end(body));
  }

  private static void onContext(RoutingContext rc, Runnable r) {
    Context ctx = rc.get("skiff.context");
    ctx.runOnContext(v -> {
      if (!rc.response().ended() && !rc.response().headWritten()) {
        r.run();
      }
    });
  }

  /** A connection taken over from Vert.x: raw bytes below its HTTP codec. */
  private static final class Raw {
    private final RoutingContext rc;
    private final Channel channel;
    private final ChannelHandlerContext bottom;
    private final boolean upgrade;

    private Raw(RoutingContext rc, Channel channel, boolean upgrade) {
      this.rc = rc;
      this.channel = channel;
      this.bottom = channel.pipeline().firstContext();
      this.upgrade = upgrade;
    }

    static Raw hijack(RoutingContext rc, boolean upgrade) {
      if (!(rc.request().connection() instanceof io.vertx.core.net.impl.ConnectionBase cb)) {
        throw new IllegalStateException("this connection cannot be taken over: "
            + rc.request().connection().getClass().getName());
      }
      // the docker CLI half-closes (shutdown write) right after the 101 when it has no stdin to
      // send: the output must still flow, so an input shutdown must not close the channel
      cb.channel().config().setOption(io.netty.channel.ChannelOption.ALLOW_HALF_CLOSURE, true);
      return new Raw(rc, cb.channel(), upgrade);
    }

    /** Writes and flushes the status line and headers, before any output exists. */
    void begin() throws IOException {
      rc.response().setStatusCode(upgrade ? 101 : 200); // for the request metrics only; never sent by Vert.x
      MultiMap h = MultiMap.caseInsensitiveMultiMap();
      h.add("Content-Type", RAW_STREAM);
      if (upgrade) {
        h.add("Connection", "Upgrade");
        h.add("Upgrade", "tcp");
      }
      ApiHeaders.addCommon(h);
      StringBuilder sb = new StringBuilder(upgrade ? "HTTP/1.1 101 UPGRADED\r\n" : "HTTP/1.1 200 OK\r\n");
      for (Map.Entry<String, String> e : h) {
        sb.append(e.getKey()).append(": ").append(e.getValue()).append("\r\n");
      }
      sb.append("\r\n");
      write(sb.toString().getBytes(StandardCharsets.US_ASCII));
    }

    void frame(LogLine l) throws IOException {
      ByteArrayOutputStream out = new ByteArrayOutputStream(l.text().length() + 16);
      Frames.write(out, l.stderr() ? 2 : 1, l.payload());
      write(out.toByteArray());
    }

    boolean gone() {
      return !channel.isActive();
    }

    private void write(byte[] bytes) throws IOException {
      ChannelFuture f = bottom.writeAndFlush(Unpooled.wrappedBuffer(bytes));
      try {
        f.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException("interrupted while writing the stream");
      }
      if (!f.isSuccess()) {
        throw new IOException("the client went away", f.cause());
      }
    }

    void close() {
      channel.close();
    }
  }
}
