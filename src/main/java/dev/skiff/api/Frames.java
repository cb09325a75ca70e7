package dev.skiff.api;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * The 8-byte multiplexing header of Docker/libpod streams: byte 0 = stream (1 stdout, 2 stderr,
 * 3 error), bytes 4-7 = payload length, big-endian.
 */
public final class Frames {

  private Frames() {}

  public static void write(OutputStream out, int stream, String payload) throws IOException {
    byte[] p = payload.getBytes(StandardCharsets.UTF_8);
    write(out, stream, p, 0, p.length);
  }

  public static void write(OutputStream out, int stream, byte[] p, int off, int len) throws IOException {
    byte[] h = {(byte) stream, 0, 0, 0, (byte) (len >>> 24), (byte) (len >>> 16), (byte) (len >>> 8), (byte) len};
    out.write(h);
    out.write(p, off, len);
  }
}
