package dev.skiff.it;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

/**
 * Test images built at test time from Debian's busybox-static (no network): a one-layer rootfs
 * with /bin/busybox and its applet links, packed as a docker-archive and as an oci-archive.
 * Files are world-readable so the rootless test user can load them.
 */
final class TestImages {

  static final String NAME = "localhost/busybox:latest";
  private static Path dir;

  private TestImages() {}

  static synchronized Path dockerArchive() {
    build();
    return dir.resolve("busybox-docker.tar");
  }

  static synchronized Path ociArchive() {
    build();
    return dir.resolve("busybox-oci.tar");
  }

  private static void build() {
    if (dir != null) {
      return;
    }
    try {
      Path d = Files.createTempDirectory(Path.of("/tmp"), "skiff-it-images-");
      Files.setPosixFilePermissions(d, PosixFilePermissions.fromString("rwxr-xr-x"));
      byte[] layer = layerTar();
      String diffId = "sha256:" + sha256(layer);
      String config = """
          {"architecture":"amd64","os":"linux","created":"2026-01-01T00:00:00Z",\
          "config":{"Cmd":["sh"],"Env":["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"],"WorkingDir":"/"},\
          "rootfs":{"type":"layers","diff_ids":["%s"]},\
          "history":[{"created":"2026-01-01T00:00:00Z","created_by":"skiff test: busybox-static rootfs"}]}"""
          .formatted(diffId);
      byte[] cfg = config.getBytes(StandardCharsets.UTF_8);
      String cfgHex = sha256(cfg);
      writeDocker(d.resolve("busybox-docker.tar"), layer, cfg, cfgHex);
      writeOci(d.resolve("busybox-oci.tar"), layer, cfg, cfgHex);
      for (String f : List.of("busybox-docker.tar", "busybox-oci.tar")) {
        Files.setPosixFilePermissions(d.resolve(f), PosixFilePermissions.fromString("rw-r--r--"));
      }
      dir = d;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The rootfs layer: directories, /bin/busybox and a symlink per applet. */
  static byte[] layerTar() throws IOException {
    Path busybox = Path.of("/bin/busybox");
    List<String> applets = List.of(Exec.run(Exec.cmd(busybox.toString(), "--list")).requireOk().stdout().trim().split("\n"));
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    try (TarArchiveOutputStream tar = new TarArchiveOutputStream(buf)) {
      tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
      for (String dirName : List.of("bin/", "dev/", "etc/", "proc/", "sys/", "tmp/", "root/", "var/", "run/", "home/")) {
        TarArchiveEntry e = new TarArchiveEntry(dirName);
        e.setMode(dirName.equals("tmp/") ? 01777 : 0755);
        tar.putArchiveEntry(e);
        tar.closeArchiveEntry();
      }
      file(tar, "etc/passwd", "root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/:/bin/false\n", 0644);
      file(tar, "etc/group", "root:x:0:\nnobody:x:65534:\n", 0644);
      byte[] bin = Files.readAllBytes(busybox);
      TarArchiveEntry be = new TarArchiveEntry("bin/busybox");
      be.setMode(0755);
      be.setSize(bin.length);
      tar.putArchiveEntry(be);
      tar.write(bin);
      tar.closeArchiveEntry();
      for (String applet : applets) {
        if (applet.equals("busybox") || applet.isBlank()) {
          continue;
        }
        TarArchiveEntry l = new TarArchiveEntry("bin/" + applet, TarArchiveEntry.LF_SYMLINK);
        l.setLinkName("busybox");
        tar.putArchiveEntry(l);
        tar.closeArchiveEntry();
      }
    }
    return buf.toByteArray();
  }

  private static void file(TarArchiveOutputStream tar, String name, String content, int mode) throws IOException {
    byte[] b = content.getBytes(StandardCharsets.UTF_8);
    TarArchiveEntry e = new TarArchiveEntry(name);
    e.setMode(mode);
    e.setSize(b.length);
    tar.putArchiveEntry(e);
    tar.write(b);
    tar.closeArchiveEntry();
  }

  private static void writeDocker(Path out, byte[] layer, byte[] cfg, String cfgHex) throws IOException {
    String layerName = sha256(layer) + "/layer.tar";
    String manifest = "[{\"Config\":\"" + cfgHex + ".json\",\"RepoTags\":[\"" + NAME + "\"],\"Layers\":[\"" + layerName + "\"]}]";
    try (OutputStream os = Files.newOutputStream(out); TarArchiveOutputStream tar = new TarArchiveOutputStream(os)) {
      put(tar, cfgHex + ".json", cfg);
      put(tar, layerName, layer);
      put(tar, "manifest.json", manifest.getBytes(StandardCharsets.UTF_8));
    }
  }

  private static void writeOci(Path out, byte[] layer, byte[] cfg, String cfgHex) throws IOException {
    String layerHex = sha256(layer);
    String manifest = """
        {"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json",\
        "config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"sha256:%s","size":%d},\
        "layers":[{"mediaType":"application/vnd.oci.image.layer.v1.tar","digest":"sha256:%s","size":%d}]}"""
        .formatted(cfgHex, cfg.length, layerHex, layer.length);
    byte[] m = manifest.getBytes(StandardCharsets.UTF_8);
    String index = """
        {"schemaVersion":2,"manifests":[{"mediaType":"application/vnd.oci.image.manifest.v1+json",\
        "digest":"sha256:%s","size":%d,"annotations":{"org.opencontainers.image.ref.name":"%s"}}]}"""
        .formatted(sha256(m), m.length, NAME);
    try (OutputStream os = Files.newOutputStream(out); TarArchiveOutputStream tar = new TarArchiveOutputStream(os)) {
      put(tar, "oci-layout", "{\"imageLayoutVersion\":\"1.0.0\"}".getBytes(StandardCharsets.UTF_8));
      put(tar, "index.json", index.getBytes(StandardCharsets.UTF_8));
      put(tar, "blobs/sha256/" + sha256(m), m);
      put(tar, "blobs/sha256/" + cfgHex, cfg);
      put(tar, "blobs/sha256/" + layerHex, layer);
    }
  }

  static void put(TarArchiveOutputStream tar, String name, byte[] data) throws IOException {
    TarArchiveEntry e = new TarArchiveEntry(name);
    e.setSize(data.length);
    e.setMode(0644);
    tar.putArchiveEntry(e);
    tar.write(data);
    tar.closeArchiveEntry();
  }

  static String sha256(byte[] b) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
