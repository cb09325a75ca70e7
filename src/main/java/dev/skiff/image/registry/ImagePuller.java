package dev.skiff.image.registry;

import dev.skiff.image.Digest;
import dev.skiff.image.ImageReference;
import dev.skiff.image.InvalidDigestException;
import dev.skiff.image.archive.ImageArchiveReader;
import dev.skiff.image.archive.LoadedImage;
import dev.skiff.image.archive.Spool;
import dev.skiff.image.json.Descriptor;
import dev.skiff.image.json.ImageConfig;
import dev.skiff.image.json.ImageJson;
import dev.skiff.image.json.MediaTypes;
import dev.skiff.image.json.OciIndex;
import dev.skiff.image.json.OciManifest;
import dev.skiff.image.layer.LayerExtractor;
import dev.skiff.image.layer.LayerStore;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream;
import org.apache.commons.compress.compressors.zstandard.ZstdCompressorInputStream;

/**
 * Pulls one image: manifest (an index or manifest list resolved to linux/amd64), config, then
 * each layer the store does not already have, decompressed (gzip, zstd or none, by media type)
 * into staging while both the blob digest and the diffID are checked. Returns what it staged for
 * {@link dev.skiff.image.archive.ImageUnpacker}; on failure the work directory is deleted.
 */
public final class ImagePuller {
  static final long MAX_CONFIG_BYTES = 16L << 20;
  public static final String OS = "linux";
  public static final String ARCHITECTURE = "amd64";

  /** What a pull reports as it goes. */
  public enum Step { TRYING, BLOB, BLOB_SKIPPED, CONFIG, MANIFEST }

  /** Progress listener; {@code detail} is the reference for TRYING, a digest otherwise. */
  public interface Listener {
    void on(Step step, String detail);
  }

  private final LayerStore store;
  private final long maxLayerBytes;

  public ImagePuller(LayerStore store, long maxLayerBytes) {
    this.store = store;
    this.maxLayerBytes = maxLayerBytes;
  }

  /** The staged image and the digest of the manifest it came from. */
  public record Pulled(ImageArchiveReader.Result staged, Digest manifestDigest) {}

  public Pulled pull(RegistryClient client, ImageReference ref, Path stagingRoot, Listener listener)
      throws RegistryException, IOException {
    listener.on(Step.TRYING, ref.toString());
    String repo = ref.repository();
    String reference = ref.digest().map(Digest::toString).orElseGet(() -> ref.tag().orElse(ImageReference.DEFAULT_TAG));
    RegistryClient.Manifest m = client.manifest(repo, reference);
    if (ref.digest().isPresent() && !ref.digest().get().equals(m.digest())) {
      throw new RegistryException(RegistryException.Kind.INVALID, "manifest " + reference + " from "
          + client.registry() + "/" + repo + " has digest " + m.digest());
    }
    if (isIndex(m.mediaType())) {
      Descriptor chosen = selectPlatform(json(m.bytes(), OciIndex.class, "manifest list"), OS, ARCHITECTURE);
      m = client.manifest(repo, chosen.digest());
      if (!m.digest().toString().equals(chosen.digest())) {
        throw new RegistryException(RegistryException.Kind.INVALID, "manifest " + chosen.digest()
            + " has digest " + m.digest());
      }
    }
    if (!m.mediaType().equals(MediaTypes.OCI_MANIFEST) && !m.mediaType().equals(MediaTypes.DOCKER_MANIFEST)) {
      throw new RegistryException(RegistryException.Kind.INVALID, "unsupported manifest type \"" + m.mediaType()
          + "\" for " + ref + " (skiffd reads OCI and Docker v2 schema 2 manifests)");
    }
    OciManifest manifest = json(m.bytes(), OciManifest.class, "manifest");
    if (manifest.config() == null) {
      throw new RegistryException(RegistryException.Kind.INVALID, "manifest of " + ref + " has no config");
    }
    Path work = Files.createDirectory(stagingRoot.resolve("pull-" + UUID.randomUUID()));
    try {
      LoadedImage image = fetch(client, repo, ref, manifest, work, listener);
      listener.on(Step.MANIFEST, m.digest().toString());
      return new Pulled(new ImageArchiveReader.Result(List.of(image), work), m.digest());
    } catch (RegistryException | IOException | RuntimeException e) {
      LayerExtractor.deleteTree(work);
      throw e;
    }
  }

  private LoadedImage fetch(RegistryClient client, String repo, ImageReference ref, OciManifest manifest, Path work,
      Listener listener) throws RegistryException, IOException {
    Digest configDigest = digest(manifest.config().digest());
    if (manifest.config().size() > MAX_CONFIG_BYTES) {
      throw new RegistryException(RegistryException.Kind.INVALID, "image config of " + ref + " is larger than "
          + MAX_CONFIG_BYTES + " bytes");
    }
    Path configFile = work.resolve("config.json");
    try (InputStream in = client.blob(repo, manifest.config())) {
      Files.write(configFile, in.readAllBytes());
    } catch (RegistryClient.BlobMismatchException e) {
      throw mismatch(configDigest, e);
    }
    ImageConfig config = json(Files.readAllBytes(configFile), ImageConfig.class, "image config");
    List<String> diffIds = config.diffIds();
    if (diffIds.size() != manifest.layers().size()) {
      throw new RegistryException(RegistryException.Kind.INVALID, "image " + ref + " has " + manifest.layers().size()
          + " layers but its config lists " + diffIds.size() + " diff_ids");
    }
    List<LoadedImage.StagedLayer> layers = new ArrayList<>();
    for (int i = 0; i < diffIds.size(); i++) {
      Descriptor d = manifest.layers().get(i);
      Digest diffId = digest(diffIds.get(i));
      if (store.hasLayer(diffId) && store.hasBlob(diffId)) {
        listener.on(Step.BLOB_SKIPPED, d.digest());
        Path kept = store.blobPath(diffId);
        layers.add(new LoadedImage.StagedLayer(diffId, kept, Files.size(kept)));
        continue;
      }
      listener.on(Step.BLOB, d.digest());
      layers.add(layer(client, repo, d, diffId, work.resolve("layer-" + i)));
    }
    listener.on(Step.CONFIG, configDigest.toString());
    return new LoadedImage(List.of(ref), configDigest, config, configFile, layers);
  }

  /** Streams one layer blob through its decompressor into an uncompressed staged tar. */
  private LoadedImage.StagedLayer layer(RegistryClient client, String repo, Descriptor d, Digest diffId, Path file)
      throws RegistryException, IOException {
    Compression c = compressionOf(d.mediaType());
    Digest blobDigest = digest(d.digest());
    Spool.Spooled spooled;
    try (InputStream blob = client.blob(repo, d)) {
      try {
        InputStream plain = switch (c) {
          case NONE -> blob;
          case GZIP -> new GzipCompressorInputStream(new java.io.BufferedInputStream(blob, 64 * 1024), true);
          case ZSTD -> new ZstdCompressorInputStream(new java.io.BufferedInputStream(blob, 64 * 1024));
        };
        spooled = Spool.toFile(plain, file, maxLayerBytes);
        RegistryClient.finish(blob);
      } catch (RegistryClient.BlobMismatchException e) {
        throw mismatch(blobDigest, e);
      } catch (Spool.TooLargeException e) {
        throw new RegistryException(RegistryException.Kind.INVALID, "layer " + blobDigest
            + " decompresses to more than " + maxLayerBytes + " bytes", e);
      } catch (IOException e) {
        if (e.getMessage() != null && e.getMessage().contains("No space left")) {
          throw e;
        }
        // a corrupt stream: report a digest mismatch if that is the reason, else the decoder's complaint
        try {
          RegistryClient.finish(blob);
        } catch (RegistryClient.BlobMismatchException m) {
          throw mismatch(blobDigest, m);
        } catch (IOException ignored) {
          // the original error says more
        }
        throw new RegistryException(RegistryException.Kind.INVALID, "layer " + blobDigest + " is corrupt: "
            + e.getMessage(), e);
      }
    }
    if (!spooled.sha256().equals(diffId)) {
      throw new RegistryException(RegistryException.Kind.INVALID, "layer " + blobDigest + " has diffID "
          + spooled.sha256() + " but the image config says " + diffId);
    }
    return new LoadedImage.StagedLayer(diffId, spooled.file(), spooled.size());
  }

  private static RegistryException mismatch(Digest blob, IOException e) {
    return new RegistryException(RegistryException.Kind.INVALID, "copying blob " + blob + ": " + e.getMessage(), e);
  }

  enum Compression { NONE, GZIP, ZSTD }

  static Compression compressionOf(String mediaType) throws RegistryException {
    String t = mediaType == null ? "" : mediaType;
    if (t.endsWith("+gzip") || t.endsWith(".tar.gzip")) {
      return Compression.GZIP;
    }
    if (t.endsWith("+zstd")) {
      return Compression.ZSTD;
    }
    if (t.equals(MediaTypes.OCI_LAYER) || t.equals(MediaTypes.DOCKER_LAYER)
        || t.equals("application/vnd.oci.image.layer.nondistributable.v1.tar")) {
      return Compression.NONE;
    }
    throw new RegistryException(RegistryException.Kind.INVALID, "unsupported layer media type \"" + t + "\"");
  }

  static boolean isIndex(String mediaType) {
    return mediaType.equals(MediaTypes.OCI_INDEX) || mediaType.equals(MediaTypes.DOCKER_MANIFEST_LIST);
  }

  /** The index entry for {@code os}/{@code architecture}, preferring one without a variant. */
  static Descriptor selectPlatform(OciIndex index, String os, String architecture) throws RegistryException {
    Descriptor withVariant = null;
    List<String> available = new ArrayList<>();
    for (Descriptor d : index.manifests()) {
      Descriptor.Platform p = d.platform();
      if (p == null) {
        continue;
      }
      available.add(p.os() + "/" + p.architecture() + (p.variant() == null ? "" : "/" + p.variant()));
      if (os.equals(p.os()) && architecture.equals(p.architecture())) {
        if (p.variant() == null || p.variant().isEmpty()) {
          return d;
        }
        withVariant = withVariant == null ? d : withVariant;
      }
    }
    if (withVariant != null) {
      return withVariant;
    }
    throw new RegistryException(RegistryException.Kind.NOT_FOUND, "no image found in manifest list for"
        + " architecture " + architecture + ", OS " + os + " (available: " + String.join(", ", available) + ")");
  }

  private static Digest digest(String s) throws RegistryException {
    try {
      return Digest.parse(s);
    } catch (InvalidDigestException e) {
      throw new RegistryException(RegistryException.Kind.INVALID, e.getMessage(), e);
    }
  }

  private static <T> T json(byte[] bytes, Class<T> type, String what) throws RegistryException {
    try {
      T v = ImageJson.read(bytes, type);
      if (v == null) {
        throw new IOException("empty document");
      }
      return v;
    } catch (IOException e) {
      throw new RegistryException(RegistryException.Kind.INVALID, "invalid " + what + " JSON: " + e.getMessage(), e);
    }
  }
}
