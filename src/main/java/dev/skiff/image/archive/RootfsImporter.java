package dev.skiff.image.archive;

import dev.skiff.image.Digest;
import dev.skiff.image.ImageReference;
import dev.skiff.image.json.ImageConfig;
import dev.skiff.image.json.ImageJson;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;

/**
 * {@code podman import}: a rootfs tarball (plain, gzip or zstd) becomes a one-layer image whose
 * config comes from {@code --change} instructions and whose history records the message. The
 * layer is staged uncompressed; its sha256 is the diffID.
 */
public final class RootfsImporter {
  private final long maxLayerBytes;

  public RootfsImporter() {
    this(ImageArchiveReader.DEFAULT_MAX_STAGED_BYTES);
  }

  /** @param maxLayerBytes bound on the uncompressed rootfs, so a decompression bomb cannot fill the disk */
  public RootfsImporter(long maxLayerBytes) {
    this.maxLayerBytes = maxLayerBytes;
  }

  /**
   * Import parameters.
   *
   * @param reference optional name for the image
   * @param changes Dockerfile-style instructions (see {@link ConfigChanges})
   * @param message history comment; may be empty
   * @param architecture e.g. {@code amd64}
   * @param os e.g. {@code linux}
   * @param created creation time recorded in the config
   */
  public record Options(
      Optional<ImageReference> reference, List<String> changes, String message, String architecture, String os,
      Instant created) {
    public Options {
      changes = List.copyOf(changes);
    }

    public static Options defaults() {
      return new Options(Optional.empty(), List.of(), "", "amd64", "linux", Instant.now());
    }
  }

  /** Stages the layer and config below a fresh directory in {@code stagingDir}; deleted on failure. */
  public ImageArchiveReader.Result importRootfs(InputStream rootfs, Path stagingDir, Options options)
      throws IOException, InvalidImageArchiveException, InvalidConfigChangeException {
    ImageConfig.Config config = ConfigChanges.apply(ImageConfig.Config.EMPTY, options.changes());
    Path work = Files.createDirectory(stagingDir.resolve("import-" + UUID.randomUUID()));
    try {
      Spool.Spooled layer;
      try (InputStream in = Compression.decompressing(rootfs)) {
        layer = Spool.toFile(in, work.resolve("layer.tar"), maxLayerBytes);
      } catch (Spool.TooLargeException e) {
        throw new InvalidImageArchiveException("rootfs exceeds " + maxLayerBytes + " bytes uncompressed", e);
      } catch (IOException e) {
        throw new InvalidImageArchiveException("corrupt rootfs tarball: " + e.getMessage(), e);
      }
      checkIsTar(layer.file());
      String created = options.created().truncatedTo(ChronoUnit.NANOS).toString();
      ImageConfig image = new ImageConfig(created, null, options.architecture(), options.os(), null, config,
          new ImageConfig.RootFs("layers", List.of(layer.sha256().toString())),
          List.of(new ImageConfig.History(created, "/bin/sh -c #(nop) ADD file:" + layer.sha256().hex() + " in /",
              null, options.message().isEmpty() ? null : options.message(), false)));
      byte[] bytes = ImageJson.write(image);
      Path configFile = Files.write(work.resolve("config.json"), bytes);
      LoadedImage loaded = new LoadedImage(options.reference().stream().toList(), Digest.sha256(bytes), image,
          configFile, List.of(new LoadedImage.StagedLayer(layer.sha256(), layer.file(), layer.size())));
      return new ImageArchiveReader.Result(List.of(loaded), work);
    } catch (IOException | InvalidImageArchiveException | RuntimeException e) {
      ArchiveFiles.deleteTree(work);
      throw e;
    }
  }

  /** Walks the staged tar once so a non-tar or truncated upload fails here, not at extraction. */
  private static void checkIsTar(Path file) throws IOException, InvalidImageArchiveException {
    if (Files.size(file) == 0) {
      return; // an empty rootfs is a valid (empty) layer
    }
    int entries = 0;
    try (TarArchiveInputStream tar = new TarArchiveInputStream(Files.newInputStream(file))) {
      while (tar.getNextEntry() != null) {
        entries++;
        tar.transferTo(java.io.OutputStream.nullOutputStream());
      }
    } catch (IOException e) {
      throw new InvalidImageArchiveException("rootfs is not a valid tar: " + e.getMessage(), e);
    }
    if (entries == 0 && !startsWithZeroBlock(file)) {
      throw new InvalidImageArchiveException("rootfs is not a tar archive (no tar header found)");
    }
  }

  /** An empty tar is end-of-archive blocks of zeros; anything else without entries is not a tar. */
  private static boolean startsWithZeroBlock(Path file) throws IOException {
    try (InputStream in = Files.newInputStream(file)) {
      byte[] head = in.readNBytes(512);
      if (head.length < 512) {
        return false;
      }
      for (byte b : head) {
        if (b != 0) {
          return false;
        }
      }
      return true;
    }
  }
}
