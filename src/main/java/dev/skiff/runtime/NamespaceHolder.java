package dev.skiff.runtime;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.skiff.security.IdMap;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.jboss.logging.Logger;

/**
 * The rootless namespace holder (DESIGN §1, Podman's pause process): a small detached
 * {@code skiff-shim holder} process whose user namespace maps the daemon user's whole range
 * (0 = the user, 1.. = its {@code /etc/subuid}/{@code /etc/subgid} ranges), made once with
 * newuidmap/newgidmap. Container starts and {@code userns-run} get its pid file
 * ({@code --userns-holder}), clone their user namespace inside it and write the maps themselves.
 *
 * <p>The daemon itself stays outside the namespace: peers' SO_PEERCRED uids, file owners and
 * paths it reports stay host values, and systemd sees a plain service process. The holder
 * outlives the daemon (own session); a restarted daemon finds it through the pid file, which
 * {@code skiff-shim holder} validates (pidfd, start time, namespace inode and owner, maps) before
 * it trusts it. A holder that died is made again on the next use; containers started in the old
 * one keep its namespace alive and stay reachable (the user owns both namespaces).
 */
public final class NamespaceHolder {

  /** A live holder: its pid and the inode of its user namespace. */
  public record State(long pid, long userns) {}

  private static final Logger LOG = Logger.getLogger(NamespaceHolder.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final long RETRY_NANOS = TimeUnit.SECONDS.toNanos(30);

  private final Path shim;
  private final Path pidFile;
  private final String uidMap;
  private final String gidMap;
  private State state;
  private String problem;
  private long failedAt;

  public NamespaceHolder(Path shim, Path pidFile, IdMap uids, IdMap gids) {
    this.shim = shim;
    this.pidFile = pidFile;
    this.uidMap = list(uids);
    this.gidMap = list(gids);
  }

  /** {@code inside:outside:count,...}, the {@code skiff-shim holder} map syntax. */
  static String list(IdMap map) {
    return map.mappings().stream().map(m -> m.containerId() + ":" + m.hostId() + ":" + m.size())
        .collect(Collectors.joining(","));
  }

  public Path pidFile() {
    return pidFile;
  }

  /**
   * The pid file to hand to the shim, after making sure a holder is alive (creating one when
   * needed); empty when none can be made: then the shim maps through newuidmap, and
   * {@link #problem()} says why (logged once per distinct reason).
   */
  public synchronized Optional<Path> ensure() {
    if (state != null && alive(state)) {
      return Optional.of(pidFile);
    }
    if (state == null && problem != null && System.nanoTime() - failedAt < RETRY_NANOS) {
      return Optional.empty();
    }
    State previous = state;
    state = null;
    try {
      JsonNode made = create();
      state = new State(made.get("pid").asLong(), made.path("userns").asLong());
      LOG.infof("namespace holder %d (user namespace %d): %s%s", state.pid(), state.userns(),
          made.path("created").asBoolean() ? "created" : "found, live, joined",
          previous != null ? " (holder " + previous.pid() + " is gone)" : "");
      problem = null;
      return Optional.of(pidFile);
    } catch (IOException e) {
      failedAt = System.nanoTime();
      String why = e.getMessage();
      if (!why.equals(problem)) {
        LOG.warnf("no namespace holder: %s; containers get their ID maps through newuidmap/newgidmap", why);
      }
      problem = why;
      return Optional.empty();
    }
  }

  /** Forgets the holder (the shim refused it): the next {@link #ensure()} validates or makes one. */
  public synchronized void invalidate() {
    state = null;
  }

  public synchronized Optional<State> state() {
    return Optional.ofNullable(state);
  }

  /** Why there is no holder, when there is none. */
  public synchronized Optional<String> problem() {
    return state == null ? Optional.ofNullable(problem) : Optional.empty();
  }

  /** Still the same process in the same namespace (a reused pid has another namespace link). */
  private static boolean alive(State s) {
    try {
      String link = Files.readSymbolicLink(Path.of("/proc", Long.toString(s.pid()), "ns", "user")).toString();
      return link.equals("user:[" + s.userns() + "]");
    } catch (IOException | UnsupportedOperationException e) {
      return false;
    }
  }

  private JsonNode create() throws IOException {
    Files.createDirectories(pidFile.getParent());
    Process p = new ProcessBuilder(shim.toString(), "holder", "--pid-file", pidFile.toString(), "--uid-map", uidMap,
        "--gid-map", gidMap)
        .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
        .redirectError(ProcessBuilder.Redirect.DISCARD)
        .start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
    try {
      if (!p.waitFor(30, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new IOException("skiff-shim holder did not finish within 30 s");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while starting the namespace holder", e);
    }
    String last = out.lines().reduce((a, b) -> b).orElse("");
    JsonNode msg;
    try {
      msg = JSON.readTree(last.isEmpty() ? "{}" : last);
    } catch (IOException e) {
      throw new IOException("skiff-shim holder answered `" + out + "`");
    }
    if (p.exitValue() != 0 || !msg.has("pid")) {
      throw new IOException(msg.path("message").asText("skiff-shim holder exited with status " + p.exitValue()));
    }
    return msg;
  }

  /** The shim's command-line arguments for a holder, none when there is none. */
  public static List<String> args(NamespaceHolder holder) {
    if (holder == null) {
      return List.of();
    }
    return holder.ensure().map(p -> List.of("--userns-holder", p.toString())).orElse(List.of());
  }
}
