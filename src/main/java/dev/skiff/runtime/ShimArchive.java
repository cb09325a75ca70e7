package dev.skiff.runtime;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * {@code skiff-shim archive stat|get|put}: a path of a container stat'ed, read as a tar or a tar
 * extracted into it, inside the container's namespaces (a running one's, joined by pid) or a
 * private mount of its filesystem (one that does not run: its bundle). See
 * src/main/native/archive.h for what the shim guarantees.
 */
public final class ShimArchive {

  /** Where the operation runs: a running container's process, or the bundle of one that does not run. */
  public record Target(long pid, Path bundle) {
    public static Target running(long pid) {
      return new Target(pid, null);
    }

    public static Target stopped(Path bundle) {
      return new Target(0, bundle);
    }
  }

  /** The shim's error: its errno (0 when unknown) and message. */
  public static final class Failure extends IOException {
    private final int errno;

    Failure(int errno, String message) {
      super(message);
      this.errno = errno;
    }

    public int errno() {
      return errno;
    }
  }

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int BUFFER = 256 * 1024;
  private final Path shim;
  private final NamespaceHolder holder;

  public ShimArchive(Path shim, NamespaceHolder holder) {
    this.shim = shim;
    this.holder = holder;
  }

  /** The path's {@code define.FileInfo} JSON (one line). */
  public String stat(Target t, String path) throws IOException {
    Process p = start("stat", t, path, List.of());
    p.getOutputStream().close();
    byte[] out = p.getInputStream().readAllBytes();
    finish(p);
    return new String(out, StandardCharsets.UTF_8).trim();
  }

  /**
   * Writes the path as a tar to out. A failure of the shim is an exception; when it comes after
   * the first bytes, the caller's stream is cut there (as Podman's is).
   */
  public void get(Target t, String path, OutputStream out) throws IOException {
    get(t, path, false, out);
  }

  /** {@code oneFileSystem}: without what other mounts bring (volumes, binds, tmpfs; for export). */
  public void get(Target t, String path, boolean oneFileSystem, OutputStream out) throws IOException {
    Process p = start("get", t, path, oneFileSystem ? List.of("--one-file-system") : List.of());
    p.getOutputStream().close();
    try (InputStream in = p.getInputStream()) {
      byte[] buf = new byte[BUFFER];
      int r;
      while ((r = in.read(buf)) > 0) {
        out.write(buf, 0, r);
      }
      out.flush();
    } catch (IOException e) {
      p.destroyForcibly();
      throw e;
    }
    finish(p);
  }

  /** Extracts the tar {@code in} below the directory path; returns the number of entries. */
  public int put(Target t, String path, List<String> options, InputStream in) throws IOException {
    Process p = start("put", t, path, options);
    IOException writeFailure = null;
    try (OutputStream stdin = p.getOutputStream()) {
      byte[] buf = new byte[BUFFER];
      int r;
      while ((r = in.read(buf)) > 0) {
        stdin.write(buf, 0, r);
      }
    } catch (IOException e) {
      writeFailure = e; // the shim stopped reading (its error says why) or the client went away
    }
    byte[] out = p.getInputStream().readAllBytes();
    finish(p); // the shim's own error first: it says why it stopped reading
    if (writeFailure != null) {
      throw writeFailure;
    }
    JsonNode result = JSON.readTree(out.length == 0 ? "{}".getBytes(StandardCharsets.UTF_8) : out);
    return result.path("entries").asInt();
  }

  private Process start(String op, Target t, String path, List<String> options) throws IOException {
    List<String> cmd = new ArrayList<>(List.of(shim.toString(), "archive", op, "--path", path));
    if (t.bundle() != null) {
      cmd.addAll(List.of("--bundle", t.bundle().toString()));
      cmd.addAll(NamespaceHolder.args(holder));
    } else {
      cmd.addAll(List.of("--pid", Long.toString(t.pid())));
    }
    cmd.addAll(options);
    return new ProcessBuilder(cmd).start();
  }

  /** Waits for the shim; its error line on stderr becomes a {@link Failure}. */
  private static void finish(Process p) throws IOException {
    byte[] err = p.getErrorStream().readAllBytes();
    try {
      if (!p.waitFor(60, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new Failure(0, "skiff-shim archive did not finish within 60 s");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      p.destroyForcibly();
      throw new Failure(0, "interrupted while waiting for skiff-shim archive");
    }
    if (p.exitValue() == 0) {
      return;
    }
    String text = new String(err, StandardCharsets.UTF_8).trim();
    String last = text.lines().reduce((a, b) -> b).orElse("");
    try {
      JsonNode e = JSON.readTree(last.isEmpty() ? "{}" : last);
      if (e.has("message")) {
        throw new Failure(e.path("errno").asInt(0), e.get("message").asText());
      }
    } catch (com.fasterxml.jackson.core.JsonProcessingException unparsable) {
      // keep the raw text
    }
    throw new Failure(0, text.isEmpty() ? "skiff-shim archive exited with status " + p.exitValue() : text);
  }
}
