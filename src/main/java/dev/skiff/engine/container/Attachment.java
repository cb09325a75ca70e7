package dev.skiff.engine.container;

import dev.skiff.runtime.AttachClient;
import java.io.Closeable;
import java.io.IOException;

/**
 * A live connection to a container's (or exec session's) process: its output, and its stdin.
 * Reading and writing may happen on two threads. Closing it is a detach: the process runs on.
 */
public final class Attachment implements Closeable {

  private final AttachClient client;

  Attachment(AttachClient client) {
    this.client = client;
  }

  /** Output bytes of one stream: 1 stdout (a terminal's output), 2 stderr. */
  public record Output(int stream, byte[] payload) {}

  /** The next output, or null once the process has exited (or the attachment was closed). */
  public Output read() throws IOException {
    AttachClient.Frame f = client.read();
    return f == null ? null : new Output(f.stream(), f.payload());
  }

  public void stdin(byte[] data, int off, int len) throws IOException {
    client.stdin(data, off, len);
  }

  /** The client's input ended: the process's stdin is closed (a terminal has no EOF: ignored). */
  public void closeStdin() throws IOException {
    client.closeStdin();
  }

  @Override
  public void close() {
    client.close();
  }
}
