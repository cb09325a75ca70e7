package dev.skiff.image.archive;

import dev.skiff.image.Digest;
import dev.skiff.image.ImageReference;
import dev.skiff.image.json.Descriptor;
import dev.skiff.image.json.DockerArchiveManifestEntry;
import dev.skiff.image.json.ImageJson;
import dev.skiff.image.json.MediaTypes;
import dev.skiff.image.json.OciIndex;
import dev.skiff.image.json.OciLayout;
import dev.skiff.image.json.OciManifest;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

/**
 * Writes stored images as a docker-archive or oci-archive tar ({@code podman save}), streaming:
 * layer files are copied straight into the output. Layers are written uncompressed, so each
 * layer's digest is its diffID. Entries carry mtime 0 and root ownership so the same image saves
 * to the same bytes.
 */
public final class ImageArchiveWriter {

  /** docker-archive: {@code <id>.json}, {@code <diffid>.tar}, {@code manifest.json}, {@code repositories}. */
  public void writeDockerArchive(List<SavedImage> images, OutputStream out) throws IOException {
    try (TarArchiveOutputStream tar = newTar(out)) {
      Set<String> written = new HashSet<>();
      List<DockerArchiveManifestEntry> manifest = new ArrayList<>();
      Map<String, Map<String, String>> repositories = new LinkedHashMap<>();
      for (SavedImage image : images) {
        String configName = image.id().hex() + ".json";
        if (written.add(configName)) {
          putFile(tar, configName, image.configFile());
        }
        List<String> layerNames = new ArrayList<>();
        for (int i = 0; i < image.diffIds().size(); i++) {
          String name = image.diffIds().get(i).hex() + ".tar";
          if (written.add(name)) {
            putFile(tar, name, image.layerTars().get(i));
          }
          layerNames.add(name);
        }
        List<String> tags = new ArrayList<>();
        for (ImageReference ref : image.names()) {
          ref.tag().ifPresent(t -> {
            tags.add(ref.name() + ":" + t);
            repositories.computeIfAbsent(ref.name(), k -> new LinkedHashMap<>())
                .put(t, topLayerId(image));
          });
        }
        manifest.add(new DockerArchiveManifestEntry(configName, tags, layerNames));
      }
      putBytes(tar, "manifest.json", ImageJson.write(manifest));
      if (!repositories.isEmpty()) {
        putBytes(tar, "repositories", ImageJson.write(repositories));
      }
    }
  }

  private static String topLayerId(SavedImage image) {
    List<Digest> ids = image.diffIds();
    return ids.isEmpty() ? image.id().hex() : ids.get(ids.size() - 1).hex();
  }

  /** oci-archive: {@code oci-layout}, {@code index.json} (one manifest per name), {@code blobs/sha256/*}. */
  public void writeOciArchive(List<SavedImage> images, OutputStream out) throws IOException {
    try (TarArchiveOutputStream tar = newTar(out)) {
      putBytes(tar, "oci-layout", ImageJson.write(new OciLayout(MediaTypes.OCI_LAYOUT_VERSION)));
      Set<Digest> written = new HashSet<>();
      List<Descriptor> manifests = new ArrayList<>();
      for (SavedImage image : images) {
        Descriptor config = Descriptor.of(MediaTypes.OCI_CONFIG, image.id().toString(), Files.size(image.configFile()));
        if (written.add(image.id())) {
          putFile(tar, "blobs/sha256/" + image.id().hex(), image.configFile());
        }
        List<Descriptor> layers = new ArrayList<>();
        for (int i = 0; i < image.diffIds().size(); i++) {
          Digest diffId = image.diffIds().get(i);
          Path file = image.layerTars().get(i);
          layers.add(Descriptor.of(MediaTypes.OCI_LAYER, diffId.toString(), Files.size(file)));
          if (written.add(diffId)) {
            putFile(tar, "blobs/sha256/" + diffId.hex(), file);
          }
        }
        byte[] manifest = ImageJson.write(new OciManifest(2, MediaTypes.OCI_MANIFEST, config, layers, null));
        Digest manifestDigest = Digest.sha256(manifest);
        if (written.add(manifestDigest)) {
          putBytes(tar, "blobs/sha256/" + manifestDigest.hex(), manifest);
        }
        List<Map<String, String>> annotationSets = new ArrayList<>();
        for (ImageReference ref : image.names()) {
          annotationSets.add(Map.of(MediaTypes.OCI_REF_NAME_ANNOTATION, ref.toString(),
              MediaTypes.CONTAINERD_IMAGE_NAME_ANNOTATION, ref.toString()));
        }
        if (annotationSets.isEmpty()) {
          annotationSets.add(Map.of());
        }
        for (Map<String, String> annotations : annotationSets) {
          manifests.add(new Descriptor(MediaTypes.OCI_MANIFEST, manifestDigest.toString(), manifest.length,
              null, annotations, null));
        }
      }
      putBytes(tar, "index.json", ImageJson.write(new OciIndex(2, MediaTypes.OCI_INDEX, manifests, null)));
    }
  }

  private static TarArchiveOutputStream newTar(OutputStream out) {
    TarArchiveOutputStream tar = new TarArchiveOutputStream(out);
    tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
    tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
    return tar;
  }

  private static TarArchiveEntry entry(String name, long size) {
    TarArchiveEntry e = new TarArchiveEntry(name);
    e.setSize(size);
    e.setMode(0100644);
    e.setLastModifiedTime(FileTime.from(Instant.EPOCH));
    return e;
  }

  private static void putFile(TarArchiveOutputStream tar, String name, Path file) throws IOException {
    tar.putArchiveEntry(entry(name, Files.size(file)));
    try (InputStream in = Files.newInputStream(file)) {
      in.transferTo(tar);
    }
    tar.closeArchiveEntry();
  }

  private static void putBytes(TarArchiveOutputStream tar, String name, byte[] bytes) throws IOException {
    tar.putArchiveEntry(entry(name, bytes.length));
    tar.write(bytes);
    tar.closeArchiveEntry();
  }
}
