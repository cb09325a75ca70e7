package dev.skiff.it;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs a command to completion and captures its output (test helper). */
final class Exec {

  record Result(int exit, String stdout, String stderr) {
    Result requireOk() {
      if (exit != 0) {
        throw new AssertionError("command failed with " + exit + "\nstdout: " + stdout + "\nstderr: " + stderr);
      }
      return this;
    }
  }

  private Exec() {}

  static List<String> cmd(String... args) {
    return new ArrayList<>(Arrays.asList(args));
  }

  /** Prefixes {@code cmd} so it runs as {@code user} (root runs it directly) with a clean env. */
  static List<String> as(TestUser user, List<String> cmd) {
    if (user.isRoot()) {
      return cmd;
    }
    List<String> out = cmd("runuser", "-u", user.name(), "--", "env", "-i",
        "HOME=" + user.home(), "USER=" + user.name(), "PATH=/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin",
        "XDG_RUNTIME_DIR=" + user.runtimeDir());
    out.addAll(cmd);
    return out;
  }

  static Result run(List<String> cmd) {
    return run(cmd, null, 120);
  }

  static Result run(List<String> cmd, byte[] stdin, int timeoutSeconds) {
    try {
      Process p = new ProcessBuilder(cmd).start();
      var out = drain(p.getInputStream());
      var err = drain(p.getErrorStream());
      if (stdin != null) {
        p.getOutputStream().write(stdin);
      }
      p.getOutputStream().close();
      if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new AssertionError("command timed out after " + timeoutSeconds + "s: " + cmd);
      }
      out.join();
      err.join();
      return new Result(p.exitValue(), out.text(), err.text());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  /** Reads a stream on a virtual thread. */
  static final class Drain {
    private final ByteArrayOutputStream buf = new ByteArrayOutputStream();
    private final Thread thread;

    Drain(InputStream in) {
      thread = Thread.ofVirtual().start(() -> {
        try {
          in.transferTo(buf);
        } catch (IOException ignored) {
          // stream closed: the process ended
        }
      });
    }

    void join() throws InterruptedException {
      thread.join();
    }

    String text() {
      synchronized (buf) {
        return buf.toString(StandardCharsets.UTF_8);
      }
    }
  }

  static Drain drain(InputStream in) {
    return new Drain(in);
  }
}
