package dev.skiff.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.skiff.engine.Event;
import dev.skiff.engine.EventService;
import dev.skiff.engine.InvalidArgumentException;
import io.smallrye.common.annotation.RunOnVirtualThread;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.StreamingOutput;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * {@code GET /events} and {@code /libpod/events}: newline-delimited JSON records, flushed one by
 * one. History from the store ({@code since}/{@code until}), then live events while
 * {@code stream=true}. The record shape is the same for both flavours (podman's).
 */
@Path("/events")
public class EventsResource {

  private static final ObjectMapper JSON = new ObjectMapper();
  private final EventService events;

  public EventsResource(EventService events) {
    this.events = events;
  }

  @GET
  @RunOnVirtualThread
  public Response compat(@QueryParam("since") String since, @QueryParam("until") String until,
      @QueryParam("filters") String filters, @QueryParam("stream") String stream,
      @jakarta.ws.rs.core.Context io.vertx.core.http.HttpServerResponse response) {
    return events(since, until, filters, stream, response::closed);
  }

  /** The libpod route; JAX-RS matches it under {@code /libpod}, so it has a class of its own. */
  @Path("/libpod/events")
  public static class Libpod {
    private final EventsResource events;

    public Libpod(EventsResource events) {
      this.events = events;
    }

    @GET
    @RunOnVirtualThread
    public Response libpod(@QueryParam("since") String since, @QueryParam("until") String until,
        @QueryParam("filters") String filters, @QueryParam("stream") String stream,
        @jakarta.ws.rs.core.Context io.vertx.core.http.HttpServerResponse response) {
      return events.events(since, until, filters, stream, response::closed, true);
    }
  }

  /**
   * Docker's container actions that libpod 4.3.1 has no event status for: podman --remote turns
   * an event it cannot parse into a nil and crashes, so the libpod route leaves them out.
   */
  static final java.util.Set<String> DOCKER_ONLY_ACTIONS = java.util.Set.of("oom");

  Response events(String since, String until, String filters, String stream, java.util.function.BooleanSupplier gone) {
    return events(since, until, filters, stream, gone, false);
  }

  /** {@code gone}: the client closed the connection (checked every second, events or not). */
  Response events(String since, String until, String filters, String stream, java.util.function.BooleanSupplier gone,
      boolean libpod) {
    Instant nowT = Instant.now();
    long now = nanos(nowT);
    Instant sinceT = TimeParam.parse(since, "since", nowT);
    Instant untilT = TimeParam.parse(until, "until", nowT);
    Long from = sinceT == null ? null : nanos(sinceT);
    Long to = untilT == null ? null : nanos(untilT);
    boolean live = !"false".equals(stream);
    Predicate<Event> requested = filter(Filters.parse(filters));
    Predicate<Event> filter = libpod ? requested.and(e -> !DOCKER_ONLY_ACTIONS.contains(e.action())) : requested;
    StreamingOutput body = out -> {
      BlockingQueue<Event> q = live ? events.subscribe() : null;
      try {
        long lastSeq = -1;
        boolean wrote = false;
        if (from != null || !live) { // like podman: stream=false reads the whole history
          for (Event e : events.history(from == null ? 0L : from, to == null ? now : to)) {
            lastSeq = e.seq();
            wrote |= write(out, e, filter);
          }
        }
        if (!wrote && live) {
          // Nothing written yet: the response head would wait for the first event, and the docker
          // CLI (stats, run) blocks until the events response has started. JSON decoders skip the
          // whitespace.
          out.write('\n');
        }
        out.flush();
        while (q != null && !gone.getAsBoolean() && !events.isClosed()) {
          Event e = q.poll(1, TimeUnit.SECONDS);
          if (to != null && nanos(Instant.now()) >= to) {
            return;
          }
          if (e != null && e.seq() > lastSeq && (to == null || e.timeNano() < to)) {
            write(out, e, filter);
          }
        }
      } catch (InterruptedException ie) {
        Thread.currentThread().interrupt();
      } catch (java.io.IOException clientLeft) {
        // client went away
      } finally {
        if (q != null) {
          events.unsubscribe(q);
        }
      }
    };
    return Response.ok(body).type("application/json").build();
  }

  private static boolean write(OutputStream out, Event e, Predicate<Event> filter) throws java.io.IOException {
    if (!filter.test(e)) {
      return false;
    }
    out.write(JSON.writeValueAsString(record(e)).getBytes(StandardCharsets.UTF_8));
    out.write('\n');
    out.flush();
    return true;
  }

  static Map<String, Object> record(Event e) {
    Map<String, String> attrs = new LinkedHashMap<>(e.attributes());
    attrs.putIfAbsent("containerExitCode", "0");
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("status", e.action());
    m.put("id", e.actorId());
    m.put("from", e.attributes().getOrDefault("image", ""));
    m.put("Type", e.type());
    m.put("Action", e.action());
    m.put("Actor", Map.of("ID", e.actorId(), "Attributes", attrs));
    m.put("scope", "local");
    m.put("time", e.timeNano() / 1_000_000_000L);
    m.put("timeNano", e.timeNano());
    return m;
  }

  private static Predicate<Event> filter(Map<String, List<String>> f) {
    Predicate<Event> p = e -> true;
    for (var entry : f.entrySet()) {
      List<String> v = entry.getValue();
      p = p.and(switch (entry.getKey()) {
        case "type" -> e -> v.contains(e.type());
        case "event", "status" -> e -> v.contains(e.action());
        case "container", "volume", "image" -> e -> v.stream().anyMatch(x -> e.actorId().startsWith(x)
            || x.equals(e.attributes().get("name")) || x.equals(e.attributes().get("image")));
        case "label" -> e -> v.stream().allMatch(l -> dev.skiff.engine.Labels.matches(e.attributes(), l));
        default -> throw new InvalidArgumentException("unsupported events filter \"" + entry.getKey()
            + "\": supported are type, event, container, image, volume, label");
      });
    }
    return p;
  }

  static long nanos(Instant t) {
    return TimeParam.nanos(t);
  }
}
