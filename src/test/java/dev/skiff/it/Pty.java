package dev.skiff.it;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A command run on a real pseudo-terminal of {@code rows x cols} (util-linux {@code script}), as a
 * user at a terminal would: the test types into it and reads the screen's bytes. The command's
 * exit code is script's ({@code -e}).
 */
final class Pty implements AutoCloseable {

  private final Process process;
  private final OutputStream in;
  private final ByteArrayOutputStream screen = new ByteArrayOutputStream();
  private final Thread reader;

  private Pty(Process process) {
    this.process = process;
    this.in = process.getOutputStream();
    InputStream out = process.getInputStream();
    this.reader = Thread.ofVirtual().start(() -> {
      byte[] b = new byte[8192];
      try {
        int n;
        while ((n = out.read(b)) > 0) {
          synchronized (screen) {
            screen.write(b, 0, n);
            screen.notifyAll();
          }
        }
      } catch (IOException ignored) {
        // the process ended
      }
    });
  }

  /** Starts {@code command} (a shell command line) as {@code user} on a terminal of the given size. */
  static Pty start(TestUser user, int rows, int cols, String command) {
    List<String> cmd = Exec.cmd("script", "-qfec", "stty rows " + rows + " cols " + cols + "; exec " + command,
        "/dev/null");
    try {
      return new Pty(new ProcessBuilder(Exec.as(user, cmd)).redirectErrorStream(true).start());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Types {@code text} (bytes as given: "\n" is Enter, "\u0010" is ctrl-p). */
  Pty type(String text) {
    try {
      in.write(text.getBytes(StandardCharsets.UTF_8));
      in.flush();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return this;
  }

  /** Waits until the screen shows {@code text}; fails with the screen after {@code seconds}. */
  Pty await(String text, int seconds) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    synchronized (screen) {
      while (!screen().contains(text)) {
        long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
        if (left <= 0) {
          throw new AssertionError("the terminal did not show \"" + text + "\" within " + seconds + "s:\n" + screen());
        }
        try {
          screen.wait(left);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new AssertionError(e);
        }
      }
    }
    return this;
  }

  String screen() {
    synchronized (screen) {
      return screen.toString(StandardCharsets.UTF_8);
    }
  }

  /** Waits for the command to end; returns its exit code. */
  int exitCode(int seconds) {
    try {
      if (!process.waitFor(seconds, TimeUnit.SECONDS)) {
        throw new AssertionError("the terminal's command did not end within " + seconds + "s:\n" + screen());
      }
      reader.join(5000);
      return process.exitValue();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  @Override
  public void close() {
    process.descendants().forEach(ProcessHandle::destroyForcibly);
    process.destroyForcibly();
  }
}
