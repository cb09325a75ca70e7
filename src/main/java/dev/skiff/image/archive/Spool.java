package dev.skiff.image.archive;

import dev.skiff.image.Digest;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;

/** Copies a stream to a new file while hashing it: the only way blobs enter staging. */
public final class Spool {
  /** A spooled file with its sha256 and size. */
  public record Spooled(Path file, Digest sha256, long size) {}

  private Spool() {}

  /** Thrown when a spool would pass its byte budget (a decompression bomb, or just too big). */
  public static final class TooLargeException extends IOException {
    TooLargeException(long limit) {
      super("more than " + limit + " bytes");
    }
  }

  public static Spooled toFile(InputStream in, Path file) throws IOException {
    return toFile(in, file, Long.MAX_VALUE);
  }

  /** Spools at most {@code limit} bytes; more throws {@link TooLargeException}. */
  public static Spooled toFile(InputStream in, Path file, long limit) throws IOException {
    MessageDigest md = Digest.Algorithm.SHA256.newMessageDigest();
    long size = 0;
    byte[] buf = new byte[64 * 1024];
    try (OutputStream out = Files.newOutputStream(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
      for (int n; (n = in.read(buf)) > 0; ) {
        size += n;
        if (size > limit) {
          throw new TooLargeException(limit);
        }
        md.update(buf, 0, n);
        out.write(buf, 0, n);
      }
    }
    return new Spooled(file, Digest.fromBytes(Digest.Algorithm.SHA256, md.digest()), size);
  }
}
