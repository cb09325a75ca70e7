package dev.skiff.image.archive;

import dev.skiff.image.Digest;
import dev.skiff.image.ImageReference;
import dev.skiff.image.InvalidDigestException;
import dev.skiff.image.InvalidImageReferenceException;
import dev.skiff.image.json.Descriptor;
import dev.skiff.image.json.DockerArchiveManifestEntry;
import dev.skiff.image.json.ImageConfig;
import dev.skiff.image.json.ImageJson;
import dev.skiff.image.json.MediaTypes;
import dev.skiff.image.json.OciIndex;
import dev.skiff.image.json.OciLayout;
import dev.skiff.image.json.OciManifest;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;

/**
 * Reads a docker-archive or oci-archive (optionally gzip/zstd-compressed as a whole) in one pass.
 *
 * <p>Entries may come in any order, so every regular file is spooled to the staging directory
 * while its sha256 is computed; the format is decided afterwards from the names present
 * ({@code oci-layout} + {@code index.json}, else {@code manifest.json}). Then every digest that
 * can be checked is: OCI blob names and sizes, config digest vs the docker-archive config name,
 * and each layer's uncompressed sha256 vs {@code rootfs.diff_ids}. Compressed layers (gzip, zstd)
 * are decompressed to a new staged file. Memory use is bounded by the JSON documents, which are
 * capped at {@value #MAX_JSON_BYTES} bytes each.
 *
 * <p>All files are written below a fresh {@code load-<uuid>} directory inside {@code stagingDir};
 * on failure it is deleted, so a failed load leaves nothing behind. On success the caller moves
 * what it keeps into the store and deletes the directory ({@link Result#workDir()}).
 */
public final class ImageArchiveReader {
  static final long MAX_JSON_BYTES = 16L << 20;
  /** Default bound on everything one load may write to staging (spooled + decompressed). */
  public static final long DEFAULT_MAX_STAGED_BYTES = 64L << 30;

  private final long maxStagedBytes;

  public ImageArchiveReader() {
    this(DEFAULT_MAX_STAGED_BYTES);
  }

  /** @param maxStagedBytes bound on bytes staged by one load, so a decompression bomb cannot fill the disk */
  public ImageArchiveReader(long maxStagedBytes) {
    this.maxStagedBytes = maxStagedBytes;
  }

  /** The images found, and the directory holding their staged files. */
  public record Result(List<LoadedImage> images, Path workDir) {
    public Result {
      images = List.copyOf(images);
    }
  }

  public Result read(InputStream in, Path stagingDir) throws IOException, InvalidImageArchiveException {
    Path work = Files.createDirectory(stagingDir.resolve("load-" + UUID.randomUUID()));
    try {
      Archive archive = spool(in, work, maxStagedBytes);
      List<LoadedImage> images;
      if (archive.has("oci-layout") && archive.has("index.json")) {
        images = new OciReader(archive).read();
      } else if (archive.has("manifest.json")) {
        images = new DockerReader(archive).read();
      } else {
        throw new InvalidImageArchiveException(
            "not an image archive: no manifest.json (docker-archive) and no oci-layout/index.json (oci-archive)");
      }
      return new Result(images, work);
    } catch (IOException | InvalidImageArchiveException | RuntimeException e) {
      deleteQuietly(work);
      throw e;
    }
  }

  private static void deleteQuietly(Path dir) {
    try {
      ArchiveFiles.deleteTree(dir);
    } catch (IOException ignored) {
      // best effort: the store's cleanStaging() removes leftovers at next start
    }
  }

  private static Archive spool(InputStream raw, Path work, long budget)
      throws IOException, InvalidImageArchiveException {
    Archive archive = new Archive(work, budget);
    try {
      TarArchiveInputStream tar = new TarArchiveInputStream(Compression.decompressing(raw));
      int n = 0;
      for (TarArchiveEntry e; (e = tar.getNextEntry()) != null; ) {
        String name = ArchiveFiles.clean(e.getName());
        if (e.isSymbolicLink()) {
          archive.aliases.put(name, ArchiveFiles.resolveSibling(name, e.getLinkName()));
        } else if (e.isLink()) {
          archive.aliases.put(name, ArchiveFiles.clean(e.getLinkName()));
        } else if (e.isFile() && !e.isDirectory()) {
          archive.files.put(name, archive.spool(tar, "spool-" + n++));
        }
      }
      if (archive.files.isEmpty()) {
        throw new InvalidImageArchiveException("archive is empty or not a tar");
      }
    } catch (Spool.TooLargeException e) {
      throw new InvalidImageArchiveException("image archive content exceeds " + budget + " bytes", e);
    } catch (IOException e) {
      if (e.getMessage() != null && e.getMessage().contains("No space left")) {
        throw e;
      }
      throw new InvalidImageArchiveException("corrupt or truncated image archive: " + e.getMessage(), e);
    }
    return archive;
  }

  /** Spooled files by archive name, plus link aliases. */
  static final class Archive {
    final Path work;
    final Map<String, Spool.Spooled> files = new HashMap<>();
    final Map<String, String> aliases = new HashMap<>();
    private int decompressed;
    private long budget;

    Archive(Path work, long budget) {
      this.work = work;
      this.budget = budget;
    }

    /** Spools within the remaining budget. */
    Spool.Spooled spool(InputStream in, String fileName) throws IOException {
      Spool.Spooled s = Spool.toFile(in, work.resolve(fileName), budget);
      budget -= s.size();
      return s;
    }

    boolean has(String name) {
      return find(name) != null;
    }

    Spool.Spooled find(String name) {
      String cur = ArchiveFiles.clean(name);
      for (int hops = 0; hops < 16 && cur != null; hops++) {
        Spool.Spooled f = files.get(cur);
        if (f != null) {
          return f;
        }
        cur = aliases.get(cur);
      }
      return null;
    }

    Spool.Spooled require(String name, String what) throws InvalidImageArchiveException {
      Spool.Spooled f = find(name);
      if (f == null) {
        throw new InvalidImageArchiveException("archive is missing " + what + " \"" + name + "\"");
      }
      return f;
    }

    <T> T json(String name, Class<T> type) throws InvalidImageArchiveException, IOException {
      return json(require(name, "file"), name, type);
    }

    <T> T json(Spool.Spooled f, String name, Class<T> type) throws InvalidImageArchiveException, IOException {
      if (f.size() > MAX_JSON_BYTES) {
        throw new InvalidImageArchiveException(name + " is larger than " + MAX_JSON_BYTES + " bytes");
      }
      try {
        return ImageJson.read(Files.readAllBytes(f.file()), type);
      } catch (com.fasterxml.jackson.core.JacksonException e) {
        throw new InvalidImageArchiveException("invalid JSON in " + name + ": " + e.getOriginalMessage(), e);
      }
    }

    /** The layer as an uncompressed staged tar, verified against {@code diffId}. */
    LoadedImage.StagedLayer layer(Spool.Spooled blob, String name, Digest diffId)
        throws IOException, InvalidImageArchiveException {
      Spool.Spooled plain = blob;
      try (InputStream probe = new java.io.BufferedInputStream(Files.newInputStream(blob.file()))) {
        if (Compression.detect(probe) != Compression.NONE) {
          try (InputStream in = Compression.decompressing(Files.newInputStream(blob.file()))) {
            plain = spool(in, "layer-" + decompressed++);
          } catch (Spool.TooLargeException e) {
            throw new InvalidImageArchiveException("layer " + name + " decompresses to more than the "
                + "remaining budget of " + budget + " bytes", e);
          } catch (IOException e) {
            throw new InvalidImageArchiveException("layer " + name + " is corrupt: " + e.getMessage(), e);
          }
        }
      }
      if (!plain.sha256().equals(diffId)) {
        throw new InvalidImageArchiveException("layer " + name + " has diffID " + plain.sha256()
            + " but the image config says " + diffId);
      }
      return new LoadedImage.StagedLayer(diffId, plain.file(), plain.size());
    }

    List<LoadedImage.StagedLayer> layers(List<Spool.Spooled> blobs, List<String> names, ImageConfig config)
        throws IOException, InvalidImageArchiveException {
      List<String> diffIds = config.diffIds();
      if (diffIds.size() != blobs.size()) {
        throw new InvalidImageArchiveException("image has " + blobs.size() + " layers but its config lists "
            + diffIds.size() + " diff_ids");
      }
      List<LoadedImage.StagedLayer> out = new ArrayList<>();
      for (int i = 0; i < blobs.size(); i++) {
        out.add(layer(blobs.get(i), names.get(i), digest(diffIds.get(i), "diff_id")));
      }
      return out;
    }
  }

  static Digest digest(String s, String what) throws InvalidImageArchiveException {
    try {
      return Digest.parse(s);
    } catch (InvalidDigestException e) {
      throw new InvalidImageArchiveException("invalid " + what + ": " + e.getMessage(), e);
    }
  }

  static ImageReference reference(String s) throws InvalidImageArchiveException {
    try {
      return ImageReference.parse(s);
    } catch (InvalidImageReferenceException e) {
      throw new InvalidImageArchiveException("archive names an invalid image: " + e.getMessage(), e);
    }
  }

  /** docker-archive: manifest.json with Config/RepoTags/Layers file names. */
  private record DockerReader(Archive archive) {
    List<LoadedImage> read() throws IOException, InvalidImageArchiveException {
      DockerArchiveManifestEntry[] entries = archive.json("manifest.json", DockerArchiveManifestEntry[].class);
      if (entries == null || entries.length == 0) {
        throw new InvalidImageArchiveException("manifest.json lists no images");
      }
      List<LoadedImage> images = new ArrayList<>();
      for (DockerArchiveManifestEntry entry : entries) {
        images.add(image(entry));
      }
      return images;
    }

    private LoadedImage image(DockerArchiveManifestEntry entry) throws IOException, InvalidImageArchiveException {
      if (entry.config() == null) {
        throw new InvalidImageArchiveException("manifest.json entry has no Config");
      }
      Spool.Spooled configBlob = archive.require(entry.config(), "image config");
      String expectedHex = ArchiveFiles.hexName(entry.config());
      if (expectedHex != null && !expectedHex.equals(configBlob.sha256().hex())) {
        throw new InvalidImageArchiveException("image config " + entry.config() + " has digest "
            + configBlob.sha256() + ", not the id its name claims");
      }
      ImageConfig config = archive.json(configBlob, entry.config(), ImageConfig.class);
      List<Spool.Spooled> blobs = new ArrayList<>();
      for (String layer : entry.layers()) {
        blobs.add(archive.require(layer, "layer"));
      }
      List<ImageReference> names = new ArrayList<>();
      for (String tag : entry.repoTags()) {
        names.add(reference(tag));
      }
      return new LoadedImage(names, configBlob.sha256(), config, configBlob.file(),
          archive.layers(blobs, entry.layers(), config));
    }
  }

  /** oci-archive: an OCI image layout in a tar. */
  private record OciReader(Archive archive) {
    List<LoadedImage> read() throws IOException, InvalidImageArchiveException {
      OciLayout layout = archive.json("oci-layout", OciLayout.class);
      if (layout == null || !MediaTypes.OCI_LAYOUT_VERSION.equals(layout.imageLayoutVersion())) {
        throw new InvalidImageArchiveException("unsupported oci-layout version "
            + (layout == null ? null : layout.imageLayoutVersion()));
      }
      OciIndex index = archive.json("index.json", OciIndex.class);
      List<LoadedImage> images = new ArrayList<>();
      collect(index, images, 0);
      if (images.isEmpty()) {
        throw new InvalidImageArchiveException("index.json lists no image manifests");
      }
      return images;
    }

    private void collect(OciIndex index, List<LoadedImage> out, int depth)
        throws IOException, InvalidImageArchiveException {
      if (depth > 4) {
        throw new InvalidImageArchiveException("image indexes nested too deeply");
      }
      for (Descriptor d : index.manifests()) {
        Spool.Spooled blob = blob(d, "manifest");
        String type = d.mediaType() == null ? "" : d.mediaType();
        if (type.equals(MediaTypes.OCI_INDEX) || type.equals(MediaTypes.DOCKER_MANIFEST_LIST)) {
          collect(archive.json(blob, d.digest(), OciIndex.class), out, depth + 1);
        } else {
          out.add(image(d, archive.json(blob, d.digest(), OciManifest.class)));
        }
      }
    }

    private LoadedImage image(Descriptor manifestDesc, OciManifest manifest)
        throws IOException, InvalidImageArchiveException {
      if (manifest.config() == null) {
        throw new InvalidImageArchiveException("manifest " + manifestDesc.digest() + " has no config");
      }
      Spool.Spooled configBlob = blob(manifest.config(), "config");
      ImageConfig config = archive.json(configBlob, manifest.config().digest(), ImageConfig.class);
      List<Spool.Spooled> blobs = new ArrayList<>();
      List<String> names = new ArrayList<>();
      for (Descriptor layer : manifest.layers()) {
        blobs.add(blob(layer, "layer"));
        names.add(layer.digest());
      }
      return new LoadedImage(names(manifestDesc), configBlob.sha256(), config, configBlob.file(),
          archive.layers(blobs, names, config));
    }

    /** Looks up {@code blobs/<alg>/<hex>} and checks its digest and size against the descriptor. */
    private Spool.Spooled blob(Descriptor d, String what) throws InvalidImageArchiveException {
      Digest digest = digest(d.digest(), what + " digest");
      if (digest.algorithm() != Digest.Algorithm.SHA256) {
        throw new InvalidImageArchiveException("unsupported digest algorithm in " + d.digest());
      }
      Spool.Spooled f = archive.require("blobs/sha256/" + digest.hex(), what + " blob");
      if (!f.sha256().equals(digest)) {
        throw new InvalidImageArchiveException(what + " blob " + digest + " has wrong content: its digest is "
            + f.sha256());
      }
      if (d.size() != f.size()) {
        throw new InvalidImageArchiveException(what + " blob " + digest + " has " + f.size()
            + " bytes but its descriptor says " + d.size());
      }
      return f;
    }

    private static List<ImageReference> names(Descriptor d) throws InvalidImageArchiveException {
      String full = d.annotations().get(MediaTypes.CONTAINERD_IMAGE_NAME_ANNOTATION);
      String ref = d.annotations().get(MediaTypes.OCI_REF_NAME_ANNOTATION);
      if (full != null) {
        return List.of(reference(full));
      }
      if (ref == null || ref.isEmpty()) {
        return List.of();
      }
      // A bare tag ("latest") names no repository: the image loads untagged.
      if (!ref.contains("/") && !ref.contains(":") && !ref.contains("@")) {
        return List.of();
      }
      return List.of(reference(ref));
    }
  }
}
