package dev.skiff.engine.container;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.skiff.engine.ContainerStateException;
import dev.skiff.engine.EventService;
import dev.skiff.engine.InvalidArgumentException;
import dev.skiff.engine.NoSuchObjectException;
import dev.skiff.runtime.ExitStatus;
import dev.skiff.runtime.ExitWatcher;
import dev.skiff.runtime.LogTail;
import dev.skiff.runtime.ShimExec;
import dev.skiff.runtime.ShimStartException;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BooleanSupplier;

/**
 * Exec sessions: a process started by {@code skiff-shim exec} in the namespaces of a running
 * container. Non-interactive ones are read from their log file ({@link #run}); a session with a
 * TTY or stdin goes through its shim's attach socket ({@link #runAttached}). Sessions live in memory for the
 * daemon's lifetime; their files (process.json, log, exit file) live in the container's bundle
 * directory and go with it.
 */
@ApplicationScoped
public class ExecService {

  private static final ObjectMapper JSON = new ObjectMapper();

  private final ContainerService containers;
  private final EventService events;
  private final Map<String, ExecSession> sessions = new ConcurrentHashMap<>();

  public ExecService(ContainerService containers, EventService events) {
    this.containers = containers;
    this.events = events;
  }

  /** Creates a session in a running container. */
  public ExecSession create(String nameOrId, ExecConfig config) {
    if (config.privileged()) {
      throw new InvalidArgumentException("exec --privileged is not supported yet");
    }
    if (config.cmd().isEmpty()) {
      throw new InvalidArgumentException("exec needs a command to run");
    }
    parseUser(config.user());
    ContainerRecord c = containers.inspect(nameOrId);
    requireRunning(c);
    ExecSession s = new ExecSession(ContainerNames.newId(), c.id(), config, ExecSession.State.CREATED, 0, 0);
    sessions.put(s.id(), s);
    return s;
  }

  public ExecSession inspect(String id) {
    ExecSession s = sessions.get(id);
    if (s == null) {
      throw new NoSuchObjectException("no exec session with ID " + id + " found", "no such exec session");
    }
    return s;
  }

  /**
   * Marks a created session as started (once only) after checking its container still runs. Call
   * before a response is committed: what it throws is the client's error.
   */
  public ExecSession begin(String id) {
    ExecSession s = inspect(id);
    requireRunning(containers.inspect(s.containerId()));
    synchronized (sessions) {
      ExecSession cur = inspect(id);
      if (cur.state() != ExecSession.State.CREATED) {
        throw new ContainerStateException("exec session " + id + " has already been started");
      }
      ExecSession started = cur.starting();
      sessions.put(id, started);
      return started;
    }
  }

  /**
   * Runs a session returned by {@link #begin} and streams its output to {@code sink} until it has
   * exited and its output is drained; {@code gone} tells when the client has left (the process
   * runs on). Returns the exit code. A process that cannot be started exits 127 (not found), 126
   * (permission denied) or 125 and its error is written to the sink as stderr. Blocking.
   */
  public int run(ExecSession s, ContainerLogService.Sink sink, BooleanSupplier gone) throws IOException {
    ContainerRecord c = containers.inspect(s.containerId());
    dev.skiff.store.ContainerDirs dirs = containers.dirs();
    Path dir = dirs.bundle(c.id()).resolve("exec").resolve(s.id());
    ShimExec launch = new ShimExec(c.id(), dirs.bundle(c.id()), c.pid(), dir, dirs.seccompCache());
    int code;
    try {
      Files.createDirectories(dir);
      Files.writeString(launch.processFile(), JSON.writeValueAsString(process(c, s.config())));
      long pid = containers.shim().exec(launch).pid();
      sessions.computeIfPresent(s.id(), (k, cur) -> cur.running(pid));
      events.emit("container", "exec", c.id(), execAttributes(c, s));
      code = follow(launch, sink, gone);
    } catch (ShimStartException e) {
      code = e.errno() == 2 ? 127 : e.errno() == 13 ? 126 : 125;
      finish(c, s, code);
      sink.accept(new dev.skiff.runtime.LogLine(java.time.Instant.now().toString(), true, false,
          "Error: executing " + String.join(" ", s.config().cmd()) + ": " + e.getMessage()));
      return code;
    } catch (IOException e) {
      finish(c, s, 125);
      throw new UncheckedIOException("preparing exec session " + s.id(), e);
    }
    finish(c, s, code);
    return code;
  }

  private void finish(ContainerRecord c, ExecSession s, int code) {
    sessions.computeIfPresent(s.id(), (k, cur) -> cur.exited(code));
    Map<String, String> attrs = execAttributes(c, s);
    attrs.put("containerExitCode", Integer.toString(code));
    events.emit("container", "exec_died", c.id(), attrs);
  }

  private static Map<String, String> execAttributes(ContainerRecord c, ExecSession s) {
    Map<String, String> m = ContainerService.attributes(c);
    m.put("execID", s.id());
    return m;
  }

  /**
   * Sets the terminal size of a running session (ignored for one without a TTY). Not running: a
   * conflict, unless {@code ignoreNotRunning}.
   */
  public void resize(String id, int rows, int cols, boolean ignoreNotRunning) {
    ExecSession s = inspect(id);
    if (rows < 0 || cols < 0 || rows > 65535 || cols > 65535) {
      throw new InvalidArgumentException("invalid terminal size " + rows + "x" + cols);
    }
    if (s.state() != ExecSession.State.RUNNING || s.pid() == 0) {
      if (ignoreNotRunning) {
        return;
      }
      throw new dev.skiff.engine.ConflictException("exec session " + id + " is not running",
          "exec session state improper");
    }
    if (!s.config().tty()) {
      return;
    }
    try (var a = dev.skiff.runtime.AttachClient.connect(containers.attachSocket(s.id()))) {
      a.resize(rows, cols);
    } catch (IOException e) {
      if (!ignoreNotRunning) {
        throw new dev.skiff.engine.ConflictException("resizing exec session " + id + ": " + e.getMessage(),
            "exec session state improper");
      }
    }
  }

  /** Relays between a client and a session's attach socket until the socket ends or the client detaches. */
  @FunctionalInterface
  public interface Relay {
    void run(Attachment attach) throws IOException;
  }

  /**
   * Runs an interactive session returned by {@link #begin} (a TTY of {@code rows x cols}, 0 = unknown,
   * and/or stdin): starts it with an attach socket that holds the output until {@code relay} is
   * connected, and relays. Returns the exit code, or -1 when the client detached (the process runs
   * on; its exit is recorded when it comes). A process that cannot be started exits 127 (not found),
   * 126 (permission denied) or 125, and its error goes to {@code error}. Blocking.
   */
  public int runAttached(ExecSession s, int rows, int cols, java.util.function.Consumer<String> error, Relay relay)
      throws IOException {
    ContainerRecord c = containers.inspect(s.containerId());
    dev.skiff.store.ContainerDirs dirs = containers.dirs();
    Path dir = dirs.bundle(c.id()).resolve("exec").resolve(s.id());
    Path socket = containers.attachSocket(s.id());
    ShimExec launch = new ShimExec(c.id(), dirs.bundle(c.id()), c.pid(), dir, dirs.seccompCache(),
        new dev.skiff.runtime.AttachOptions(socket, true, s.config().attachStdin() && !s.config().tty(), rows, cols));
    dev.skiff.runtime.AttachClient attach;
    try {
      Files.createDirectories(dir);
      Files.createDirectories(socket.getParent());
      Files.writeString(launch.processFile(), JSON.writeValueAsString(process(c, s.config())));
      long pid = containers.shim().exec(launch).pid();
      sessions.computeIfPresent(s.id(), (k, cur) -> cur.running(pid));
      events.emit("container", "exec", c.id(), execAttributes(c, s));
      attach = dev.skiff.runtime.AttachClient.connect(socket);
      attach.release();
    } catch (ShimStartException e) {
      int code = e.errno() == 2 ? 127 : e.errno() == 13 ? 126 : 125;
      finish(c, s, code);
      error.accept("Error: executing " + String.join(" ", s.config().cmd()) + ": " + e.getMessage());
      return code;
    } catch (IOException e) {
      finish(c, s, 125);
      throw new UncheckedIOException("preparing exec session " + s.id(), e);
    }
    try (Attachment a = new Attachment(attach)) {
      relay.run(a);
    }
    Optional<ExitStatus> exit = ExitWatcher.read(launch.exitFile());
    if (exit.isPresent()) {
      finish(c, s, exit.get().exitCode());
      return exit.get().exitCode();
    }
    Thread.ofVirtual().name("skiff-exec-wait").start(() -> awaitExit(c, s, launch));
    return -1;
  }

  /** A detached interactive session: records its exit when the shim writes it. */
  private void awaitExit(ContainerRecord c, ExecSession s, ShimExec launch) {
    try {
      while (true) {
        Optional<ExitStatus> exit = ExitWatcher.read(launch.exitFile());
        if (exit.isPresent()) {
          finish(c, s, exit.get().exitCode());
          return;
        }
        if (!Files.exists(launch.sessionDir())) {
          return; // the container was removed
        }
        Thread.sleep(200);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Streams the exec log until the exit file exists and the log is drained. */
  private static int follow(ShimExec launch, ContainerLogService.Sink sink, BooleanSupplier gone) throws IOException {
    try (LogTail tail = new LogTail(launch.logFile())) {
      long offset = 0;
      boolean clientGone = false;
      CompletableFuture<Void> never = new CompletableFuture<>();
      while (true) {
        Optional<ExitStatus> exit = ExitWatcher.read(launch.exitFile());
        if (!clientGone) {
          try {
            offset = tail.readFrom(offset, sink::accept);
          } catch (IOException clientLeft) {
            clientGone = true;
          }
        }
        if (exit.isPresent()) {
          return exit.get().exitCode();
        }
        clientGone |= gone.getAsBoolean();
        tail.awaitChange(never);
      }
    }
  }

  /** The container's process with the exec's command, environment, directory and user. */
  static ObjectNode process(ContainerRecord c, ExecConfig x) {
    ObjectNode p = c.oci().path("process").deepCopy();
    p.put("terminal", x.tty());
    ArrayNode args = p.putArray("args");
    x.cmd().forEach(args::add);
    Map<String, String> env = new LinkedHashMap<>();
    p.path("env").forEach(e -> put(env, e.asText()));
    x.env().forEach(e -> put(env, e));
    ArrayNode envs = p.putArray("env");
    env.forEach((k, v) -> envs.add(k + "=" + v));
    if (!x.workDir().isEmpty()) {
      p.put("cwd", x.workDir());
    }
    long[] ug = parseUser(x.user());
    if (ug != null) {
      ObjectNode user = p.putObject("user");
      user.put("uid", ug[0]);
      user.put("gid", ug[1]);
    }
    return p;
  }

  private static void put(Map<String, String> env, String kv) {
    int eq = kv.indexOf('=');
    env.put(eq < 0 ? kv : kv.substring(0, eq), eq < 0 ? "" : kv.substring(eq + 1));
  }

  /** {@code uid[:gid]} (numeric, or "root"); null = the container's own user. */
  static long[] parseUser(String user) {
    if (user.isEmpty()) {
      return null;
    }
    String[] parts = user.split(":", 2);
    long uid = id(parts[0], user);
    long gid = parts.length > 1 ? id(parts[1], user) : uid;
    return new long[] {uid, gid};
  }

  private static long id(String s, String user) {
    if (s.equals("root")) {
      return 0;
    }
    try {
      long v = Long.parseLong(s);
      if (v < 0 || v > 0xFFFFFFFEL) {
        throw new NumberFormatException();
      }
      return v;
    } catch (NumberFormatException e) {
      throw new InvalidArgumentException("exec user \"" + user
          + "\": only numeric uid[:gid] (or root) is supported yet, not user names");
    }
  }

  private static void requireRunning(ContainerRecord c) {
    if (!c.isRunning()) {
      throw new ContainerStateException("can only create exec sessions on running containers");
    }
  }

  /** Container ids with sessions, for listing in container inspect. */
  public List<String> sessionsOf(String containerId) {
    return sessions.values().stream().filter(s -> s.containerId().equals(containerId)).map(ExecSession::id).toList();
  }
}
