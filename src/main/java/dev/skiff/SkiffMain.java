package dev.skiff;

import dev.skiff.config.DaemonOptions;
import dev.skiff.config.DaemonOptionsException;
import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.annotations.QuarkusMain;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;

/**
 * skiffd's entry point. Everything that must hold before the API socket opens happens here:
 * options are parsed, the runtime directory is prepared, a live daemon on the same socket is
 * refused and a stale socket replaced. Startup failures (e.g. a store that cannot be opened) end
 * the process with one line naming the problem, never a stack trace. {@code skiffd subids ...} is
 * a command, not the daemon: it is dispatched before any of that ({@link SubIdsCommand}).
 */
@QuarkusMain
public final class SkiffMain {

  private SkiffMain() {}

  public static void main(String... args) {
    if (args.length > 0 && args[0].equals("subids")) {
      Map<String, String> props = new java.util.HashMap<>();
      System.getProperties().forEach((k, v) -> props.put(k.toString(), v.toString()));
      System.exit(SubIdsCommand.run(
          Arrays.asList(args).subList(1, args.length), currentUid(), props, System.out, System.err));
      return;
    }
    if (DaemonOptions.wantsHelp(Arrays.asList(args))) {
      System.out.print(DaemonOptions.USAGE);
      return;
    }
    DaemonOptions options;
    try {
      options = DaemonOptions.parse(Arrays.asList(args), System.getenv(), currentUid(), Path.of(""));
    } catch (DaemonOptionsException e) {
      fail(2, e.getMessage());
      return;
    }
    try {
      ApiSocketGuard.prepare(options);
    } catch (StartupException e) {
      fail(1, e.getMessage());
      return;
    }
    options.asConfigProperties().forEach(System::setProperty);
    // private scratch space: Vert.x's file cache and sqlite-jdbc's native library
    String scratch = ApiSocketGuard.privateTmp(options).toString();
    System.setProperty("vertx.cacheDirBase", scratch);
    System.setProperty("org.sqlite.tmpdir", scratch);
    System.setProperty("io.netty.native.workdir", scratch);
    Quarkus.run(
        null,
        (code, failure) -> {
          if (failure != null) {
            fail(1, StartupException.describe(failure));
          }
          System.exit(code);
        },
        args);
  }

  static long currentUid() {
    return new com.sun.security.auth.module.UnixSystem().getUid();
  }

  private static void fail(int code, String message) {
    System.err.println("skiffd: " + message);
    System.exit(code);
  }
}
