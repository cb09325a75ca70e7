package dev.skiff.api;

import dev.skiff.engine.InvalidArgumentException;
import dev.skiff.engine.container.ContainerLogService;
import dev.skiff.engine.container.ContainerRecord;
import dev.skiff.engine.container.ContainerService;
import dev.skiff.engine.container.LogOptions;
import dev.skiff.engine.container.WaitCondition;
import dev.skiff.runtime.LogLine;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.StreamingOutput;
import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletionStage;

/** What the container resources of both flavours share. */
@ApplicationScoped
public class ContainerEndpoints {

  private final ContainerService containers;
  private final ContainerLogService logs;

  public ContainerEndpoints(ContainerService containers, ContainerLogService logs) {
    this.containers = containers;
    this.logs = logs;
  }

  public ContainerService containers() {
    return containers;
  }

  /** {@code /wait}: completes when a condition holds; the body is the bare exit code. */
  public CompletionStage<Response> waitFor(String name, List<String> conditions) {
    Set<WaitCondition> set = EnumSet.noneOf(WaitCondition.class);
    for (String c : conditions) {
      for (String part : c.split(",")) {
        set.add(WaitCondition.parse(part.trim()));
      }
    }
    if (set.isEmpty()) {
      set.add(WaitCondition.STOPPED);
    }
    return containers.waitFor(name, set)
        .thenApply(code -> Response.ok(code + "\n").type("text/plain").build());
  }

  /** Logs as multiplexed frames (always framed on the libpod path). */
  public Response logs(String name, boolean follow, String since, String until, String tail, boolean timestamps,
      boolean stdout, boolean stderr) {
    ContainerRecord c = logs.check(name);
    Instant now = Instant.now();
    LogOptions o = new LogOptions(stdout || !stderr, stderr || !stdout, TimeParam.parse(since, "since", now),
        TimeParam.parse(until, "until", now), tail(tail), follow);
    StreamingOutput body = raw -> {
      java.io.BufferedOutputStream out = new java.io.BufferedOutputStream(raw, 64 * 1024);
      try {
        logs.stream(c, o, l -> {
          Frames.write(out, l.stderr() ? 2 : 1, timestamps ? stamp(l) : l.payload());
          if (follow) {
            out.flush(); // a follower sees each line as it comes
          }
        });
        out.flush();
      } catch (java.io.IOException gone) {
        // the client closed the stream (e.g. Testcontainers after matching a line)
      }
    };
    return Response.ok(body).type("application/octet-stream").build();
  }

  private static String stamp(LogLine l) {
    return ContainerMapper.time(l.time()) + " " + l.payload();
  }

  private static int tail(String s) {
    if (s == null || s.isEmpty() || s.equals("all")) {
      return -1;
    }
    try {
      return Integer.parseInt(s);
    } catch (NumberFormatException e) {
      throw new InvalidArgumentException("invalid tail \"" + s + "\": expected a number or \"all\"");
    }
  }
}
