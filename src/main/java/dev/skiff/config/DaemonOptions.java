package dev.skiff.config;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The daemon's command line, resolved against the environment into absolute paths.
 *
 * <p>Rootless defaults follow the XDG base directories; root uses {@code /run/skiff} and
 * {@code /var/lib/skiff}. Parsing is a pure function of (args, env, uid) so it is unit-tested.
 */
public record DaemonOptions(
    Path socket,
    Path root,
    Path runroot,
    Optional<String> metricsAddress,
    boolean metricsAllowRemote,
    String logLevel,
    Optional<Path> shim,
    boolean rootless,
    long ownerUid) {

  public static final String USAGE =
      """
      Usage: skiffd [OPTIONS]
             skiffd subids add USER [--size N]   (root: give USER subordinate IDs; see skiffd subids --help)

      Skiff container daemon: serves the libpod and Docker-compatible REST API on a unix socket.

      Options:
        --socket PATH              API socket (rootless: $XDG_RUNTIME_DIR/skiff/skiff.sock,
                                   root: /run/skiff/skiff.sock)
        --root DIR                 persistent data: store, images, containers
                                   (rootless: $XDG_DATA_HOME/skiff or ~/.local/share/skiff,
                                   root: /var/lib/skiff)
        --runroot DIR              runtime files (rootless: $XDG_RUNTIME_DIR/skiff, root: /run/skiff)
        --metrics-address HOST:PORT  also serve /metrics on this loopback TCP address (Prometheus)
        --metrics-allow-remote     allow a --metrics-address that is not loopback (an IP address,
                                   e.g. a Kubernetes pod's); /metrics only, no authentication
        --log-level LEVEL          TRACE, DEBUG, INFO, WARN or ERROR (default INFO)
        --shim PATH                the skiff-shim binary (default: found next to the daemon)
        -h, --help                 print this help
      """;

  private static final List<String> LEVELS = List.of("TRACE", "DEBUG", "INFO", "WARN", "ERROR");

  public DaemonOptions {
    socket = socket.toAbsolutePath().normalize();
    root = root.toAbsolutePath().normalize();
    runroot = runroot.toAbsolutePath().normalize();
  }

  /** Parses {@code args}; relative paths are resolved against {@code cwd}. */
  public static DaemonOptions parse(List<String> args, Map<String, String> env, long uid, Path cwd) {
    Map<String, String> given = readFlags(args);
    if (given.containsKey("help")) {
      throw new DaemonOptionsException("--help takes no other options");
    }
    return defaults(env, uid, cwd, given);
  }

  /** True when the user asked for the usage text ({@code -h} or {@code --help} anywhere). */
  public static boolean wantsHelp(List<String> args) {
    return args.contains("-h") || args.contains("--help");
  }

  private static Map<String, String> readFlags(List<String> args) {
    Map<String, String> given = new java.util.LinkedHashMap<>();
    List<String> known = List.of("socket", "root", "runroot", "metrics-address", "log-level", "shim");
    List<String> switches = List.of("metrics-allow-remote");
    for (int i = 0; i < args.size(); i++) {
      String a = args.get(i);
      if (a.equals("-h") || a.equals("--help")) {
        given.put("help", "");
        continue;
      }
      if (!a.startsWith("--")) {
        throw new DaemonOptionsException("unexpected argument \"" + a + "\" (see --help)");
      }
      String name = a.substring(2);
      String value = null;
      int eq = name.indexOf('=');
      if (eq >= 0) {
        value = name.substring(eq + 1);
        name = name.substring(0, eq);
      }
      if (switches.contains(name)) {
        if (value != null) {
          throw new DaemonOptionsException("option --" + name + " takes no value");
        }
        given.put(name, "true");
        continue;
      }
      if (!known.contains(name)) {
        throw new DaemonOptionsException("unknown option \"--" + name + "\" (see --help)");
      }
      if (value == null) {
        if (i + 1 >= args.size()) {
          throw new DaemonOptionsException("option --" + name + " needs a value");
        }
        value = args.get(++i);
      }
      if (value.isEmpty()) {
        throw new DaemonOptionsException("option --" + name + " needs a non-empty value");
      }
      given.put(name, value);
    }
    return given;
  }

  private static DaemonOptions defaults(Map<String, String> env, long uid, Path cwd, Map<String, String> given) {
    boolean rootless = uid != 0;
    Path runroot = pathOption(given, "runroot", cwd);
    Path socket = pathOption(given, "socket", cwd);
    Path root = pathOption(given, "root", cwd);
    if (rootless && (runroot == null || socket == null)) {
      Path xdgRuntime = xdgRuntimeDir(env);
      runroot = runroot != null ? runroot : xdgRuntime.resolve("skiff");
      socket = socket != null ? socket : xdgRuntime.resolve("skiff").resolve("skiff.sock");
    }
    if (!rootless) {
      runroot = runroot != null ? runroot : Path.of("/run/skiff");
      socket = socket != null ? socket : Path.of("/run/skiff/skiff.sock");
      root = root != null ? root : Path.of("/var/lib/skiff");
    }
    if (root == null) {
      root = xdgDataHome(env).resolve("skiff");
    }
    String level = given.getOrDefault("log-level", "INFO").toUpperCase(Locale.ROOT);
    if (!LEVELS.contains(level)) {
      throw new DaemonOptionsException(
          "invalid --log-level \"" + given.get("log-level") + "\": use one of " + LEVELS);
    }
    Optional<String> metrics = Optional.ofNullable(given.get("metrics-address"));
    boolean allowRemote = given.containsKey("metrics-allow-remote");
    if (allowRemote && metrics.isEmpty()) {
      throw new DaemonOptionsException("--metrics-allow-remote needs --metrics-address HOST:PORT");
    }
    metrics.ifPresent(m -> MetricsAddress.parse(m, allowRemote));
    Optional<Path> shim = Optional.ofNullable(pathOption(given, "shim", cwd));
    return new DaemonOptions(socket, root, runroot, metrics, allowRemote, level, shim, rootless, uid);
  }

  private static Path pathOption(Map<String, String> given, String name, Path cwd) {
    String v = given.get(name);
    return v == null ? null : cwd.resolve(v);
  }

  private static Path xdgRuntimeDir(Map<String, String> env) {
    String dir = env.get("XDG_RUNTIME_DIR");
    if (dir == null || dir.isBlank()) {
      throw new DaemonOptionsException(
          "XDG_RUNTIME_DIR is not set: a rootless skiffd keeps its socket there"
              + " (log in through a session that sets it, e.g. `systemctl --user`, or pass --runroot and --socket)");
    }
    Path p = Path.of(dir);
    if (!p.isAbsolute()) {
      throw new DaemonOptionsException("XDG_RUNTIME_DIR=" + dir + " is not an absolute path");
    }
    return p;
  }

  private static Path xdgDataHome(Map<String, String> env) {
    String data = env.get("XDG_DATA_HOME");
    if (data != null && !data.isBlank() && Path.of(data).isAbsolute()) {
      return Path.of(data);
    }
    String home = env.get("HOME");
    if (home == null || home.isBlank()) {
      throw new DaemonOptionsException("neither XDG_DATA_HOME nor HOME is set: pass --root DIR");
    }
    return Path.of(home, ".local", "share");
  }

  /** Configuration properties handed to Quarkus (system properties read by {@link SkiffConfig}). */
  public Map<String, String> asConfigProperties() {
    Map<String, String> p = new java.util.LinkedHashMap<>();
    p.put("skiff.socket", socket.toString());
    p.put("skiff.root", root.toString());
    p.put("skiff.runroot", runroot.toString());
    p.put("skiff.rootless", Boolean.toString(rootless));
    p.put("skiff.owner-uid", Long.toString(ownerUid));
    p.put("skiff.log-level", logLevel);
    metricsAddress.ifPresent(a -> p.put("skiff.metrics-address", a));
    if (metricsAllowRemote) {
      p.put("skiff.metrics-allow-remote", "true");
    }
    shim.ifPresent(s -> p.put("skiff.shim", s.toString()));
    return p;
  }

  /** Rebuilds the argument list (used when the launcher re-executes the daemon). */
  public List<String> toArgs() {
    List<String> a = new ArrayList<>(List.of("--socket", socket.toString(), "--root", root.toString(),
        "--runroot", runroot.toString(), "--log-level", logLevel));
    metricsAddress.ifPresent(m -> a.addAll(List.of("--metrics-address", m)));
    if (metricsAllowRemote) {
      a.add("--metrics-allow-remote");
    }
    shim.ifPresent(s -> a.addAll(List.of("--shim", s.toString())));
    return a;
  }
}
