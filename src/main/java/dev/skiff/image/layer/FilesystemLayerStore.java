package dev.skiff.image.layer;

import dev.skiff.image.Digest;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.util.UUID;

/**
 * The file layout under one root directory:
 *
 * <pre>
 *   blobs/sha256/&lt;hex&gt;     content-addressed blobs (configs, layer tars kept for save)
 *   layers/&lt;diffid-hex&gt;/    extracted layer trees, read-only lower dirs for overlayfs
 *   staging/&lt;random&gt;        work in progress; anything here after a crash is garbage
 * </pre>
 *
 * Every entry appears under {@code blobs/} or {@code layers/} by one rename from {@code
 * staging/} on the same filesystem, so readers never see a partial layer or blob.
 */
public final class FilesystemLayerStore implements LayerStore {
  private final Path root;
  private final LayerExtractor extractor;
  private final OwnerMapper owners;
  private final ExtractLimits limits;

  public FilesystemLayerStore(
      Path root, LayerExtractor extractor, OwnerMapper owners, ExtractLimits limits)
      throws IOException {
    this.root = root;
    this.extractor = extractor;
    this.owners = owners;
    this.limits = limits;
    Files.createDirectories(root.resolve("blobs/sha256"));
    Files.createDirectories(root.resolve("layers"));
    Files.createDirectories(root.resolve("staging"));
  }

  /** Deletes leftovers of interrupted work; call at daemon start before any other use. */
  public void cleanStaging() throws IOException {
    try (var entries = Files.list(root.resolve("staging"))) {
      for (Path p : (Iterable<Path>) entries::iterator) {
        owners.removeTree(p);
      }
    }
  }

  /** The staging directory itself, for readers that make their own work directory in it. */
  public Path stagingRoot() {
    return root.resolve("staging");
  }

  /** A fresh, empty staging directory for callers that spool (e.g. archive loading). */
  public Path newStagingDir() throws IOException {
    return Files.createDirectory(root.resolve("staging").resolve(UUID.randomUUID().toString()));
  }

  @Override
  public boolean hasLayer(Digest diffId) {
    return Files.isDirectory(layerDir(diffId));
  }

  @Override
  public Path layerDir(Digest diffId) {
    return root.resolve("layers").resolve(diffId.hex());
  }

  @Override
  public CommittedLayer commitLayer(Digest diffId, Path uncompressedTar)
      throws IOException, LayerExtractionException {
    Path dir = layerDir(diffId);
    if (hasLayer(diffId)) {
      return new CommittedLayer(diffId, dir, false, java.util.List.of());
    }
    Path staging = newStagingDir();
    try {
      // the layer's root directory: as a root directory normally is (the tar's "./" entry, if any, overrides)
      OwnerMapper.Ids rootIds = owners.map(0, 0);
      Files.setPosixFilePermissions(staging, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
      Files.setAttribute(staging, "unix:uid", rootIds.uid(), java.nio.file.LinkOption.NOFOLLOW_LINKS);
      Files.setAttribute(staging, "unix:gid", rootIds.gid(), java.nio.file.LinkOption.NOFOLLOW_LINKS);
      MessageDigest md = diffId.algorithm().newMessageDigest();
      ExtractResult result;
      try (InputStream in = new DigestInputStream(Files.newInputStream(uncompressedTar), md)) {
        result = extractor.extract(in, staging, owners, limits);
      }
      Digest actual = Digest.fromBytes(diffId.algorithm(), md.digest());
      if (!actual.equals(diffId)) {
        throw new LayerExtractionException(null,
            "layer content digest " + actual + " does not match diffID " + diffId);
      }
      boolean created = moveIntoPlace(staging, dir);
      return new CommittedLayer(diffId, dir, created, created ? result.warnings() : java.util.List.of());
    } finally {
      owners.removeTree(staging);
    }
  }

  /**
   * Removes a layer's extracted directory and its blob (idempotent). The caller makes sure no image
   * refers to it and no load is using it.
   */
  public void removeLayer(Digest diffId) throws IOException {
    Path dir = layerDir(diffId);
    if (Files.exists(dir, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
      // moved aside first, so a half-removed layer never looks like a stored one
      Path doomed = root.resolve("staging").resolve("gc-" + diffId.hex());
      Files.move(dir, doomed, StandardCopyOption.ATOMIC_MOVE);
      owners.removeTree(doomed);
    }
    Files.deleteIfExists(blobPath(diffId));
  }

  /** Removes a blob (an image's config) if present. */
  public void removeBlob(Digest digest) throws IOException {
    Files.deleteIfExists(blobPath(digest));
  }

  @Override
  public boolean hasBlob(Digest digest) {
    return Files.isRegularFile(blobPath(digest));
  }

  @Override
  public Path blobPath(Digest digest) {
    return root.resolve("blobs").resolve(digest.algorithm().prefix()).resolve(digest.hex());
  }

  @Override
  public Digest putBlob(Path file) throws IOException {
    Digest digest = Digest.sha256(file);
    Path target = blobPath(digest);
    if (Files.exists(target)) {
      Files.delete(file);
      return digest;
    }
    Path staged = root.resolve("staging").resolve(UUID.randomUUID() + ".blob");
    Files.move(file, staged);
    try {
      Files.move(staged, target, StandardCopyOption.ATOMIC_MOVE);
    } finally {
      Files.deleteIfExists(staged);
    }
    return digest;
  }

  /** Renames; false when another writer got there first (its result is identical). */
  private static boolean moveIntoPlace(Path staging, Path dir) throws IOException {
    try {
      Files.move(staging, dir, StandardCopyOption.ATOMIC_MOVE);
      return true;
    } catch (FileAlreadyExistsException | DirectoryNotEmptyException e) {
      return false;
    }
  }
}
