package dev.skiff.runtime;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Starts containers through skiff-shim and reads its answer from the sync channel.
 *
 * <p>The sync channel is the shim's stdout (no {@code _SKIFF_SYNC_FD}: the shim duplicates its
 * stdout before detaching and sends there): JSON lines, zero or more
 * {@code {"warning":...}} then exactly one {@code {"pid":N}} or {@code {"errno":E,"message":...}}.
 * The shim detaches (new session, double fork) so the container outlives this daemon.
 */
public final class ShimClient {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final long START_TIMEOUT_SECONDS = 60;

  private final Path shim;
  private final NamespaceHolder holder;

  public ShimClient(Path shim) {
    this(shim, null);
  }

  /** With a rootless namespace holder (null = none): container starts clone inside it. */
  public ShimClient(Path shim, NamespaceHolder holder) {
    this.shim = shim;
    this.holder = holder;
  }

  /** A started container: its pid and the warnings the shim reported. */
  public record Started(long pid, List<String> warnings) {}

  public Started start(ShimLaunch launch) {
    List<String> hold = NamespaceHolder.args(holder);
    if (hold.isEmpty()) {
      return launch(launch.args(), launch.bundle().resolve("shim.stderr"));
    }
    try {
      return launch(withHolder(launch.args(), hold), launch.bundle().resolve("shim.stderr"));
    } catch (ShimStartException e) {
      if (e.getMessage() == null || !e.getMessage().startsWith("namespace holder")) {
        throw e;
      }
      // the holder died (or was replaced) between the daemon's check and the shim's: once more
      holder.invalidate();
      return launch(withHolder(launch.args(), NamespaceHolder.args(holder)), launch.bundle().resolve("shim.stderr"));
    }
  }

  private static List<String> withHolder(List<String> args, List<String> hold) {
    List<String> a = new ArrayList<>(args);
    a.addAll(1, hold); // after the `run` command
    return a;
  }

  /** Starts a process in a running container ({@code skiff-shim exec}); same answer as a start. */
  public Started exec(ShimExec exec) {
    return launch(exec.args(), exec.sessionDir().resolve("shim.stderr"));
  }

  private Started launch(List<String> args, java.nio.file.Path stderr) {
    List<String> cmd = new ArrayList<>();
    cmd.add(shim.toString());
    cmd.addAll(args);
    ProcessBuilder pb = new ProcessBuilder(cmd)
        .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
        .redirectError(stderr.toFile());
    pb.environment().remove("_SKIFF_SYNC_FD");
    Process p;
    try {
      p = pb.start();
    } catch (IOException e) {
      throw new ShimStartException(0, "cannot run " + shim + ": " + e.getMessage());
    }
    try {
      return readAnswer(p, stderr);
    } finally {
      reap(p);
    }
  }

  private Started readAnswer(Process p, java.nio.file.Path stderr) {
    List<String> warnings = new ArrayList<>();
    try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = r.readLine()) != null) {
        if (line.isBlank()) {
          continue;
        }
        JsonNode msg;
        try {
          msg = parse(line);
        } catch (ShimStartException.Unparsed u) {
          throw new ShimStartException(0, u.getMessage());
        }
        if (msg.has("warning")) {
          warnings.add(msg.get("warning").asText());
        } else if (msg.has("pid")) {
          return new Started(msg.get("pid").asLong(), List.copyOf(warnings));
        } else if (msg.has("errno") || msg.has("message")) {
          throw new ShimStartException(msg.path("errno").asInt(0), msg.path("message").asText("unknown error"));
        }
      }
    } catch (IOException e) {
      throw new ShimStartException(0, "reading from skiff-shim: " + e.getMessage());
    }
    throw new ShimStartException(0, "skiff-shim ended without reporting a pid" + exitNote(p) + stderrNote(stderr));
  }

  private static JsonNode parse(String line) {
    try {
      return JSON.readTree(line);
    } catch (IOException e) {
      throw new ShimStartException.Unparsed("skiff-shim sent an unreadable sync message: " + line);
    }
  }

  private static String stderrNote(java.nio.file.Path stderr) {
    try {
      String s = java.nio.file.Files.readString(stderr).trim();
      if (!s.isEmpty()) {
        // an error before the sync channel existed arrives as a JSON line on stderr
        JsonNode msg = parse(s.lines().reduce((a, b) -> b).orElse(s));
        if (msg.has("message")) {
          throw new ShimStartException(msg.path("errno").asInt(0), msg.path("message").asText());
        }
        return ": " + s;
      }
    } catch (IOException | ShimStartException.Unparsed e) {
      return "";
    }
    return "";
  }

  private static String exitNote(Process p) {
    try {
      if (p.waitFor(5, TimeUnit.SECONDS)) {
        return " (exit status " + p.exitValue() + ")";
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return "";
  }

  private static void reap(Process p) {
    try {
      if (!p.waitFor(START_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
        p.destroyForcibly();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
