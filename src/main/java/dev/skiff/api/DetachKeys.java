package dev.skiff.api;

import java.io.ByteArrayOutputStream;
import java.util.Locale;

/**
 * A detach key sequence ({@code detachKeys=ctrl-p,ctrl-q}, Docker's and podman's syntax) and a
 * scanner over stdin bytes: bytes that may start the sequence are held back until it is complete
 * (a detach) or broken (they are passed on). An empty spec disables detaching.
 */
public final class DetachKeys {

  public static final String DEFAULT = "ctrl-p,ctrl-q";

  private final byte[] keys;
  private int matched;

  private DetachKeys(byte[] keys) {
    this.keys = keys;
  }

  /** Parses {@code ctrl-<a-z@[\]^_>} and single characters, comma-separated; null = the default. */
  public static DetachKeys parse(String spec) {
    if (spec == null) {
      spec = DEFAULT;
    }
    if (spec.isEmpty()) {
      return new DetachKeys(new byte[0]);
    }
    String[] parts = spec.split(",");
    byte[] keys = new byte[parts.length];
    for (int i = 0; i < parts.length; i++) {
      keys[i] = key(parts[i], spec);
    }
    return new DetachKeys(keys);
  }

  private static byte key(String p, String spec) {
    String k = p.toLowerCase(Locale.ROOT);
    if (p.length() == 1) {
      return (byte) p.charAt(0);
    }
    if (k.startsWith("ctrl-") && k.length() == 6) {
      char c = k.charAt(5);
      if (c >= 'a' && c <= 'z') {
        return (byte) (c - 'a' + 1);
      }
      int i = "@[\\]^_".indexOf(c);
      if (i >= 0) {
        return (byte) (i == 0 ? 0 : 27 + i - 1);
      }
    }
    throw new IllegalArgumentException("invalid detach keys \"" + spec + "\": \"" + p
        + "\" is neither a single character nor ctrl-<a-z, @, [, \\, ], ^, _>");
  }

  /** The result of scanning one chunk: the bytes to pass on, and whether the sequence completed. */
  public record Scan(byte[] pass, boolean detach) {}

  /** Scans {@code data}; bytes after a completed sequence are dropped (the attach ends). */
  public Scan scan(byte[] data, int len) {
    if (keys.length == 0) {
      return new Scan(java.util.Arrays.copyOf(data, len), false);
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream(len);
    for (int i = 0; i < len; i++) {
      byte b = data[i];
      if (b == keys[matched]) {
        matched++;
        if (matched == keys.length) {
          matched = 0;
          return new Scan(out.toByteArray(), true);
        }
        continue;
      }
      if (matched > 0) {
        out.write(keys, 0, matched); // a broken prefix is ordinary input
        matched = 0;
        if (b == keys[0]) {
          matched = 1;
          continue;
        }
      }
      out.write(b);
    }
    return new Scan(out.toByteArray(), false);
  }
}
