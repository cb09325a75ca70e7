package dev.skiff.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.skiff.engine.InvalidArgumentException;
import dev.skiff.engine.SkiffException;
import dev.skiff.engine.container.ContainerLogService;
import dev.skiff.engine.container.Attachment;
import dev.skiff.engine.container.ContainerAttach;
import dev.skiff.engine.container.ContainerRecord;
import dev.skiff.engine.container.ContainerService;
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
  private final ContainerEndpoints endpoints;

  public StreamRoutes(ExecService execs, ContainerLogService logs, ObjectMapper json, ContainerEndpoints endpoints) {
    this.execs = execs;
    this.logs = logs;
    this.json = json;
    this.endpoints = endpoints;
  }

  void install(@Observes Router router) {
    router.post("/containers/:id/wait").order(-500).handler(rc -> {
      rc.put(ApiRouter.ROUTE_KEY, "CompatContainers.wait");
      withBody(rc, body -> compatWait(rc));
    });
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

  // ---- Docker's wait --------------------------------------------------------------------------

  /**
   * Docker's {@code /containers/{id}/wait}: the status line and headers go out at once, the body
   * {@code {"StatusCode":N}} when the condition holds. The docker CLI's {@code run} waits for the
   * headers of its {@code wait?condition=next-exit|removed} request before it starts the container.
   */
  private void compatWait(RoutingContext rc) {
    String condition = rc.queryParams().get("condition");
    java.util.concurrent.CompletionStage<jakarta.ws.rs.core.Response> done =
        endpoints.waitFor(rc.pathParam("id"), java.util.List.of(condition == null ? "not-running" : condition));
    Context ctx = rc.get("skiff.context");
    ctx.runOnContext(v -> {
      rc.response().setStatusCode(200).setChunked(true).putHeader(HttpHeaders.CONTENT_TYPE, "application/json");
      MultiMap h = MultiMap.caseInsensitiveMultiMap();
      ApiHeaders.addCommon(h);
      rc.response().headers().addAll(h);
      rc.response().write(Buffer.buffer());
    });
    done.whenComplete((r, e) -> ctx.runOnContext(v -> {
      String body = e == null
          ? "{\"StatusCode\":" + Integer.parseInt(((String) r.getEntity()).trim()) + "}\n"
          : "{\"StatusCode\":-1,\"Error\":{\"Message\":" + quote(e.getMessage()) + "}}\n";
      if (!rc.response().ended()) {
        rc.response().end(body);
      }
    }));
  }

  private String quote(String s) {
    try {
      return json.writeValueAsString(String.valueOf(s));
    } catch (IOException e) {
      return "\"\"";
    }
  }

  // ---- exec start -------------------------------------------------------------------------------

  private void execStart(RoutingContext rc, boolean libpod, Buffer body) {
    JsonNode b = parse(body);
    ExecSession s = execs.inspect(rc.pathParam("id"));
    boolean tty = s.config().tty();
    if (b.path("Tty").asBoolean(false) && !tty) {
      throw new InvalidArgumentException("exec start asks for a TTY the exec session was not created with");
    }
    DetachKeys keys = detachKeys(s.config().detachKeys().isEmpty() ? null : s.config().detachKeys());
    ExecSession started = execs.begin(s.id());
    if (b.path("Detach").asBoolean(false)) {
      Thread.ofVirtual().name("skiff-exec-detached").start(() -> runQuietly(started));
      respond(rc, 200, "");
      return;
    }
    Raw raw = Raw.hijack(rc, upgradeRequested(rc));
    try {
      raw.captureInput();
      raw.begin();
      if (tty || s.config().attachStdin()) {
        var x = started.config();
        execs.runAttached(started, b.path("h").asInt(0), b.path("w").asInt(0),
            msg -> raw.writeQuietly(tty, 2, (msg + "\n").getBytes(StandardCharsets.UTF_8)),
            a -> relay(raw, a, tty, x.attachStdin(), x.attachStdout(), x.attachStderr(), keys));
      } else {
        execs.run(started, raw::frame, raw::gone);
      }
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

  /**
   * Attach: {@code stream} (default true) relays the container's live output and, with
   * {@code stdin}, the client's bytes to the container until it exits or the client detaches
   * (the detach keys, or closing the connection); {@code logs} first sends the output so far. A
   * container that does not run yet is attached at its next start, losing nothing.
   * TTY output is raw, other output is multiplexed frames.
   */
  private void attach(RoutingContext rc, boolean libpod) {
    MultiMap q = rc.queryParams();
    ContainerRecord c = logs.check(rc.pathParam("id"));
    boolean tty = c.spec().basic().terminal();
    boolean stdin = flag(q.get("stdin"));
    boolean stdout = flag(q.get("stdout"));
    boolean stderr = flag(q.get("stderr"));
    if (!stdin && !stdout && !stderr) {
      stdout = stderr = true;
    }
    boolean stream = q.get("stream") == null || flag(q.get("stream"));
    boolean withLogs = flag(q.get("logs"));
    String keySpec = q.get("detachKeys") != null ? q.get("detachKeys") : q.get("detachkeys");
    DetachKeys keys = detachKeys(keySpec);
    ContainerAttach.PendingAttach pending = stream ? logs.attach(c) : null;
    Raw raw = Raw.hijack(rc, upgradeRequested(rc));
    try {
      raw.captureInput();
      raw.begin();
      if (withLogs) {
        boolean out = stdout;
        boolean err = stderr;
        logs.stream(c, new dev.skiff.engine.container.LogOptions(out, err, null, null, -1, false),
            l -> raw.write(tty, l.stderr() ? 2 : 1, l.payload().getBytes(StandardCharsets.UTF_8)));
      }
      if (stream) {
        try (Attachment a = pending.connect(raw::gone)) {
          relay(raw, a, tty, stdin, stdout, stderr, keys);
        }
      }
    } catch (IOException gone) {
      // the client went away
    } catch (SkiffException e) {
      // the start this attach waited for failed: the start request reports it
      raw.writeQuietly(tty, 2, (e.getMessage() + "\n").getBytes(StandardCharsets.UTF_8));
    } finally {
      if (pending != null) {
        pending.cancel();
      }
      raw.close();
    }
  }

  private static DetachKeys detachKeys(String spec) {
    try {
      return DetachKeys.parse(spec);
    } catch (IllegalArgumentException e) {
      throw new InvalidArgumentException(e.getMessage());
    }
  }

  /**
   * Relays until the attach socket ends (the process exited) or the client leaves: output frames
   * to the client (raw for a TTY, framed otherwise), the client's bytes to the process's stdin
   * (when {@code stdin}; else dropped) minus the detach keys (on a terminal only: Docker's rule,
   * so piped binary input passes unchanged). The client's EOF (half-close) closes
   * the process's stdin; the detach keys or closing the connection only end the attach.
   */
  private static void relay(Raw raw, Attachment a, boolean tty, boolean stdin, boolean stdout, boolean stderr,
      DetachKeys keys) throws IOException {
    Thread pump = Thread.ofVirtual().name("skiff-attach-stdin").start(() -> {
      try {
        while (true) {
          byte[] b = raw.input().take();
          if (b == Raw.GONE) {
            a.close();
            return;
          }
          if (b == Raw.EOF) {
            if (stdin) {
              a.closeStdin();
            }
            return;
          }
          // detach keys on a terminal only, as Docker: piped binary stdin must pass unchanged
          DetachKeys.Scan scan = !stdin ? null : tty ? keys.scan(b, b.length) : new DetachKeys.Scan(b, false);
          if (scan == null) {
            continue;
          }
          if (scan.pass().length > 0) {
            a.stdin(scan.pass(), 0, scan.pass().length);
          }
          if (scan.detach()) {
            a.close();
            return;
          }
        }
      } catch (IOException e) {
        a.close();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    });
    try {
      Attachment.Output f;
      while ((f = a.read()) != null) {
        if (f.stream() == 2 ? stderr : stdout) {
          raw.write(tty, f.stream(), f.payload());
        }
      }
    } finally {
      pump.interrupt();
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
    private final java.util.concurrent.LinkedBlockingQueue<byte[]> input = new java.util.concurrent.LinkedBlockingQueue<>();
    /** Input markers: the client half-closed (EOF on stdin), or the connection is gone. */
    static final byte[] EOF = new byte[0];
    static final byte[] GONE = new byte[0];

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

    /**
     * Takes the connection's inbound bytes away from Vert.x's HTTP decoder (which would read
     * them as a next request): a handler at the head of the pipeline queues them for
     * {@link #input()}, then {@link #EOF} on a half-close and {@link #GONE} when the connection
     * closes. Call before the response head is written: clients send stdin only after it.
     */
    void captureInput() {
      try {
        channel.eventLoop().submit(() -> {
          channel.pipeline().addFirst("skiff-raw-input", new io.netty.channel.ChannelInboundHandlerAdapter() {
            @Override
            public void channelRead(ChannelHandlerContext ctx, Object msg) {
              if (msg instanceof io.netty.buffer.ByteBuf buf) {
                byte[] b = new byte[buf.readableBytes()];
                buf.readBytes(b);
                buf.release();
                if (b.length > 0) {
                  input.add(b);
                }
                return;
              }
              ctx.fireChannelRead(msg);
            }

            @Override
            public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
              if (evt instanceof io.netty.channel.socket.ChannelInputShutdownEvent) {
                input.add(EOF);
                return; // the output still flows: Vert.x must not see the half-close
              }
              ctx.fireUserEventTriggered(evt);
            }

            @Override
            public void channelInactive(ChannelHandlerContext ctx) {
              input.add(GONE);
              ctx.fireChannelInactive();
            }
          });
          channel.config().setAutoRead(true);
          channel.read();
        }).sync();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }

    java.util.concurrent.BlockingQueue<byte[]> input() {
      return input;
    }

    /** Output bytes: raw on a TTY, a multiplexed frame otherwise. */
    void write(boolean tty, int stream, byte[] payload) throws IOException {
      if (tty) {
        write(payload);
        return;
      }
      ByteArrayOutputStream out = new ByteArrayOutputStream(payload.length + 8);
      Frames.write(out, stream, payload, 0, payload.length);
      write(out.toByteArray());
    }

    void writeQuietly(boolean tty, int stream, byte[] payload) {
      try {
        write(tty, stream, payload);
      } catch (IOException ignored) {
        // the client is gone
      }
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
