package dev.skiff.runtime;

import java.io.Closeable;
import java.io.EOFException;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;

/**
 * A client of a shim's attach socket (docs/shim-protocol.md, "Attach socket"): output frames
 * from the container (type 1 stdout, 2 stderr, 8-byte header as Docker's), and stdin, close-stdin,
 * resize and release frames to it. Reading and writing may happen on two threads; writes are
 * serialised.
 */
public final class AttachClient implements Closeable {

  /** Largest payload the shim accepts in one frame. */
  public static final int MAX_PAYLOAD = 32768;

  private static final int STDIN = 0;
  private static final int CLOSE_STDIN = 1;
  private static final int RESIZE = 2;
  private static final int RELEASE = 3;

  private final SocketChannel channel;
  private final ByteBuffer header = ByteBuffer.allocate(8);
  private final Object writeLock = new Object();

  private AttachClient(SocketChannel channel) {
    this.channel = channel;
  }

  /** One output frame: stream 1 (stdout; a terminal's output) or 2 (stderr). */
  public record Frame(int stream, byte[] payload) {}

  /**
   * The socket of a container or exec session: {@code RUNROOT/attach/<24 hex digits>}, short enough
   * for a unix socket address (107 bytes) under any usual runroot.
   */
  public static Path socketPath(Path runroot, String id) {
    return runroot.resolve("attach").resolve(id.length() > 24 ? id.substring(0, 24) : id);
  }

  public static AttachClient connect(Path socket) throws IOException {
    SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX);
    try {
      ch.connect(UnixDomainSocketAddress.of(socket));
    } catch (IOException e) {
      ch.close();
      throw e;
    }
    return new AttachClient(ch);
  }

  /** The next output frame, or null at the end (the process exited, or the shim is gone). */
  public Frame read() throws IOException {
    header.clear();
    try {
      readFully(header);
      int len = header.getInt(4);
      if (len < 0 || len > MAX_PAYLOAD) {
        throw new IOException("attach socket: bad frame length " + len);
      }
      ByteBuffer p = ByteBuffer.allocate(len);
      readFully(p);
      return new Frame(header.get(0), p.array());
    } catch (EOFException e) {
      return null;
    } catch (IOException e) {
      if (!channel.isOpen() || String.valueOf(e.getMessage()).contains("reset")) {
        return null; // closed by us (a detach), or the shim closed with our stdin unread
      }
      throw e;
    }
  }

  private void readFully(ByteBuffer b) throws IOException {
    while (b.hasRemaining()) {
      if (channel.read(b) < 0) {
        throw new EOFException();
      }
    }
  }

  public void stdin(byte[] data, int off, int len) throws IOException {
    for (int i = 0; i < len; i += MAX_PAYLOAD) {
      int n = Math.min(MAX_PAYLOAD, len - i);
      send(STDIN, ByteBuffer.wrap(data, off + i, n));
    }
  }

  public void closeStdin() throws IOException {
    send(CLOSE_STDIN, ByteBuffer.allocate(0));
  }

  public void resize(int rows, int cols) throws IOException {
    ByteBuffer p = ByteBuffer.allocate(4).putShort((short) rows).putShort((short) cols).flip();
    send(RESIZE, p);
  }

  /** Ends the shim's --hold-output: the output made since the start flows to the clients. */
  public void release() throws IOException {
    send(RELEASE, ByteBuffer.allocate(0));
  }

  private void send(int type, ByteBuffer payload) throws IOException {
    ByteBuffer h = ByteBuffer.allocate(8).put((byte) type).put((byte) 0).put((byte) 0).put((byte) 0)
        .putInt(payload.remaining()).flip();
    synchronized (writeLock) {
      while (h.hasRemaining()) {
        channel.write(h);
      }
      while (payload.hasRemaining()) {
        channel.write(payload);
      }
    }
  }

  @Override
  public void close() {
    try {
      channel.close();
    } catch (IOException ignored) {
      // nothing to do
    }
  }
}
