package dev.skiff.image.archive;

import dev.skiff.image.TarBuilder;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.apache.commons.compress.compressors.gzip.GzipCompressorOutputStream;
import org.apache.commons.compress.compressors.zstandard.ZstdCompressorOutputStream;

/** Fixtures: a busybox rootfs built from the host's static /bin/busybox, and compressors. */
final class TestImages {
  static final Path BUSYBOX = Path.of("/bin/busybox");

  private TestImages() {}

  static byte[] busyboxRootfs() throws IOException {
    TarBuilder tar = new TarBuilder().dir("bin").dir("etc").dir("tmp", 01777)
        .file("bin/busybox", Files.readAllBytes(BUSYBOX), 0755, 0, 0, Map.of())
        .file("etc/passwd", "root:x:0:0:root:/root:/bin/sh\n".getBytes(), 0644, 0, 0, Map.of());
    for (String applet : new String[] {"sh", "ls", "echo", "cat"}) {
      tar.symlink("bin/" + applet, "busybox");
    }
    return tar.build();
  }

  static byte[] gzip(byte[] data) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (GzipCompressorOutputStream gz = new GzipCompressorOutputStream(out)) {
      gz.write(data);
    }
    return out.toByteArray();
  }

  static byte[] zstd(byte[] data) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (ZstdCompressorOutputStream z = new ZstdCompressorOutputStream(out)) {
      z.write(data);
    }
    return out.toByteArray();
  }
}
