package dev.skiff.it;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A real skiffd process ({@code bin/skiffd} of the test install) on a temporary socket, root and
 * runroot, run as root or as the unprivileged test user. Output goes to {@code daemon.log}.
 */
final class Daemon implements AutoCloseable {

  final TestUser user;
  final Path dir;
  final Path socket;
  final Path root;
  final Path runroot;
  final Path log;
  private final List<String> extraArgs;
  private String javaOpts = "";
  private Process process;

  private Daemon(TestUser user, Path dir, List<String> extraArgs) {
    this.user = user;
    this.dir = dir;
    this.socket = dir.resolve("run/skiff.sock");
    this.root = dir.resolve("root");
    this.runroot = dir.resolve("run");
    this.log = dir.resolve("daemon.log");
    this.extraArgs = List.copyOf(extraArgs);
  }

  /** A daemon owned by {@code user} in a fresh private directory (not started). */
  static Daemon create(TestUser user, String... extraArgs) {
    try {
      Path dir = Files.createTempDirectory(Path.of("/tmp"), "skiff-it-");
      // search-only for others: a root daemon's user-namespaced containers must reach their bundles
      Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString(user.isRoot() ? "rwx--x--x" : "rwx------"));
      if (!user.isRoot()) {
        Exec.run(Exec.cmd("chown", user.name() + ":", dir.toString())).requireOk();
      }
      return new Daemon(user, dir, List.of(extraArgs));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Starts a daemon with extra JVM options (SKIFF_JAVA_OPTS), e.g. configuration properties. */
  static Daemon startWithJavaOpts(TestUser user, String javaOpts) {
    Daemon d = create(user);
    d.javaOpts = javaOpts;
    d.start();
    return d;
  }

  static Daemon start(TestUser user, String... extraArgs) {
    Daemon d = create(user, extraArgs);
    d.start();
    return d;
  }

  List<String> command() {
    List<String> cmd = new ArrayList<>(List.of(Install.skiffd().toString(),
        "--socket", socket.toString(), "--root", root.toString(), "--runroot", runroot.toString()));
    cmd.addAll(extraArgs);
    if (!javaOpts.isEmpty()) {
      cmd.addAll(0, List.of("env", "SKIFF_JAVA_OPTS=" + javaOpts));
    }
    return Exec.as(user, cmd);
  }

  Daemon start() {
    try {
      process = new ProcessBuilder(command())
          .redirectErrorStream(true)
          .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
          .start();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    awaitReady(Duration.ofSeconds(30));
    return this;
  }

  /** Runs skiffd with the given extra arguments expecting it to fail; returns its result. */
  Exec.Result runExpectingFailure(String... args) {
    List<String> cmd = new ArrayList<>(List.of(Install.skiffd().toString(),
        "--socket", socket.toString(), "--root", root.toString(), "--runroot", runroot.toString()));
    cmd.addAll(List.of(args));
    return Exec.run(Exec.as(user, cmd), null, 60);
  }

  private void awaitReady(Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new AssertionError("skiffd exited with " + process.exitValue() + ":\n" + logText());
      }
      if (Files.exists(socket)) {
        var r = curl().raw("GET", "/_ping", null);
        if (r.exit() == 0 && r.stdout().startsWith("HTTP/1.1 200")) {
          return;
        }
      }
      sleep(50);
    }
    throw new AssertionError("skiffd did not answer /_ping within " + timeout + ":\n" + logText());
  }

  Curl curl() {
    return new Curl(socket);
  }

  long pid() {
    // the launcher execs java, and runuser forks it: the daemon is the child of runuser
    if (user.isRoot()) {
      return process.pid();
    }
    return process.children().findFirst().orElseThrow(() -> new AssertionError("no daemon child")).pid();
  }

  void kill9() {
    long pid = pid();
    Exec.run(Exec.cmd("kill", "-9", Long.toString(pid))).requireOk();
    waitExit();
  }

  void stop() {
    if (process != null && process.isAlive()) {
      process.children().forEach(ProcessHandle::destroy);
      process.destroy();
      waitExit();
    }
  }

  private void waitExit() {
    try {
      if (!process.waitFor(20, java.util.concurrent.TimeUnit.SECONDS)) {
        process.destroyForcibly();
        throw new AssertionError("skiffd did not exit");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  boolean isAlive() {
    return process != null && process.isAlive();
  }

  String logText() {
    try {
      return Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "";
    } catch (IOException e) {
      return "(cannot read log: " + e + ")";
    }
  }

  @Override
  public void close() {
    if (process != null && process.isAlive()) {
      stop();
    }
    killHolder();
    Exec.run(Exec.cmd("rm", "-rf", dir.toString()));
  }

  /** A rootless daemon's namespace holder outlives it by design; a test's must not outlive the test. */
  private void killHolder() {
    try {
      Path f = runroot.resolve("holder.pid");
      if (Files.exists(f)) {
        String pid = Files.readString(f).trim().split(" ")[0];
        Path comm = Path.of("/proc", pid, "comm");
        if (Files.exists(comm) && Files.readString(comm).trim().equals("skiff-holder")) {
          Exec.run(Exec.cmd("kill", "-9", pid));
        }
      }
    } catch (IOException | RuntimeException e) {
      // best effort
    }
  }

  static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
