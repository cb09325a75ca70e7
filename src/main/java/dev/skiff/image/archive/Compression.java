package dev.skiff.image.archive;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream;
import org.apache.commons.compress.compressors.zstandard.ZstdCompressorInputStream;

/** Compression of a tar stream, detected from its magic bytes. */
public enum Compression {
  NONE,
  GZIP,
  ZSTD;

  /**
   * Detects the compression at the start of {@code in}, which must support mark/reset (use
   * {@link BufferedInputStream}); the stream is left at its start.
   */
  public static Compression detect(InputStream in) throws IOException {
    in.mark(4);
    byte[] magic = in.readNBytes(4);
    in.reset();
    if (magic.length >= 2 && (magic[0] & 0xff) == 0x1f && (magic[1] & 0xff) == 0x8b) {
      return GZIP;
    }
    if (magic.length == 4 && (magic[0] & 0xff) == 0x28 && (magic[1] & 0xff) == 0xb5
        && (magic[2] & 0xff) == 0x2f && (magic[3] & 0xff) == 0xfd) {
      return ZSTD;
    }
    return NONE;
  }

  /** Wraps {@code in} (detecting first) so that reading yields the uncompressed bytes. */
  public static InputStream decompressing(InputStream in) throws IOException {
    BufferedInputStream buffered = in instanceof BufferedInputStream b ? b : new BufferedInputStream(in, 64 * 1024);
    return switch (detect(buffered)) {
      case NONE -> buffered;
      case GZIP -> new GzipCompressorInputStream(buffered, true);
      case ZSTD -> new ZstdCompressorInputStream(buffered);
    };
  }
}
