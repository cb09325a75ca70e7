package dev.skiff.image.archive;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.skiff.image.Digest;
import dev.skiff.image.json.DockerArchiveManifestEntry;
import dev.skiff.image.json.ImageConfig;
import dev.skiff.image.json.ImageJson;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.util.List;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A 1 GiB docker-archive, generated on the fly, is read by a JVM limited to 64 MiB of heap: the
 * reader must stream. The layer comes first and the config and manifest.json last (the generator
 * only knows the diffID after writing the layer), which also exercises any-order spooling.
 */
class LargeArchiveTest {
  static final long FILE_BYTES = 1L << 30;

  @TempDir Path tmp;

  @Test
  void read_oneGibArchive_inSixtyFourMibHeap() throws Exception {
    String cp = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    Process p = new ProcessBuilder(java.toString(), "-Xmx64m", "-cp", cp, LargeArchiveTest.class.getName() + "$Main",
        tmp.toString()).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    assertEquals(0, p.waitFor(), out);
    assertTrue(out.contains("layers=1 size=" + (FILE_BYTES + 512 + 1024)), out);
  }

  /** Child JVM: generate through a pipe, read, report. */
  public static final class Main {
    public static void main(String[] args) throws Exception {
      Path staging = Path.of(args[0]);
      PipedInputStream in = new PipedInputStream(1 << 20);
      PipedOutputStream pipe = new PipedOutputStream(in);
      Thread writer = new Thread(() -> {
        try (pipe) {
          generate(pipe);
        } catch (IOException e) {
          throw new RuntimeException(e);
        }
      });
      writer.start();
      ImageArchiveReader.Result r = new ImageArchiveReader().read(in, staging);
      writer.join();
      LoadedImage image = r.images().get(0);
      System.out.println("layers=" + image.layers().size() + " size=" + image.layers().get(0).size()
          + " maxHeap=" + Runtime.getRuntime().maxMemory());
    }

    static void generate(OutputStream out) throws IOException {
      TarArchiveOutputStream archive = new TarArchiveOutputStream(out);
      long layerSize = FILE_BYTES + 512 + 1024;
      TarArchiveEntry layerEntry = new TarArchiveEntry("layer.tar");
      layerEntry.setSize(layerSize);
      archive.putArchiveEntry(layerEntry);
      MessageDigest md = Digest.Algorithm.SHA256.newMessageDigest();
      DigestOutputStream hashed = new DigestOutputStream(new NonClosing(archive), md);
      TarArchiveOutputStream layer = new TarArchiveOutputStream(hashed);
      TarArchiveEntry big = new TarArchiveEntry("big");
      big.setSize(FILE_BYTES);
      layer.putArchiveEntry(big);
      byte[] chunk = new byte[1 << 20];
      for (long written = 0; written < FILE_BYTES; written += chunk.length) {
        layer.write(chunk);
      }
      layer.closeArchiveEntry();
      layer.finish();
      layer.close();
      archive.closeArchiveEntry();
      Digest diffId = Digest.fromBytes(Digest.Algorithm.SHA256, md.digest());
      byte[] config = ImageJson.write(new ImageConfig(null, null, "amd64", "linux", null, null,
          new ImageConfig.RootFs("layers", List.of(diffId.toString())), null));
      put(archive, "config.json", config);
      put(archive, "manifest.json", ImageJson.write(List.of(
          new DockerArchiveManifestEntry("config.json", List.of("localhost/big:1"), List.of("layer.tar")))));
      archive.finish();
    }

    private static void put(TarArchiveOutputStream archive, String name, byte[] bytes) throws IOException {
      TarArchiveEntry e = new TarArchiveEntry(name);
      e.setSize(bytes.length);
      archive.putArchiveEntry(e);
      archive.write(bytes);
      archive.closeArchiveEntry();
    }
  }

  /** Keeps the inner tar's close() from closing the outer archive. */
  private static final class NonClosing extends java.io.FilterOutputStream {
    NonClosing(OutputStream out) {
      super(out);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      out.write(b, off, len);
    }

    @Override
    public void close() throws IOException {
      flush();
    }
  }
}
