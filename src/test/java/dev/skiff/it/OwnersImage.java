package dev.skiff.it;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

/**
 * A two-layer test image (busybox + a layer whose files belong to non-root users, with a setuid
 * file and a private directory), as a docker-archive: what a rootless daemon can only extract in a
 * user namespace.
 */
final class OwnersImage {

  static final String NAME = "localhost/owners:latest";
  private static Path archive;

  private OwnersImage() {}

  static synchronized Path dockerArchive() {
    if (archive != null) {
      return archive;
    }
    try {
      byte[] base = TestImages.layerTar();
      byte[] owned = ownedLayer();
      String config = """
          {"architecture":"amd64","os":"linux","created":"2026-01-01T00:00:00Z",\
          "config":{"Cmd":["sh"],"Env":["PATH=/usr/sbin:/usr/bin:/sbin:/bin"],"WorkingDir":"/"},\
          "rootfs":{"type":"layers","diff_ids":["sha256:%s","sha256:%s"]}}"""
          .formatted(TestImages.sha256(base), TestImages.sha256(owned));
      byte[] cfg = config.getBytes(StandardCharsets.UTF_8);
      String cfgHex = TestImages.sha256(cfg);
      Path d = Files.createTempDirectory(Path.of("/tmp"), "skiff-it-owners-");
      Files.setPosixFilePermissions(d, PosixFilePermissions.fromString("rwxr-xr-x"));
      Path out = d.resolve("owners-docker.tar");
      String l1 = TestImages.sha256(base) + "/layer.tar";
      String l2 = TestImages.sha256(owned) + "/layer.tar";
      String manifest = "[{\"Config\":\"" + cfgHex + ".json\",\"RepoTags\":[\"" + NAME + "\"],\"Layers\":[\"" + l1
          + "\",\"" + l2 + "\"]}]";
      try (OutputStream os = Files.newOutputStream(out); TarArchiveOutputStream tar = new TarArchiveOutputStream(os)) {
        TestImages.put(tar, cfgHex + ".json", cfg);
        TestImages.put(tar, l1, base);
        TestImages.put(tar, l2, owned);
        TestImages.put(tar, "manifest.json", manifest.getBytes(StandardCharsets.UTF_8));
      }
      Files.setPosixFilePermissions(out, PosixFilePermissions.fromString("rw-r--r--"));
      archive = out;
      return out;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** /home/app (1000:1000, 0700) with a file, /opt/tool (root, setuid 04755), /srv/data (33:33). */
  private static byte[] ownedLayer() throws IOException {
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    try (TarArchiveOutputStream tar = new TarArchiveOutputStream(buf)) {
      dir(tar, "home/app/", 1000, 1000, 0700);
      file(tar, "home/app/notes", "mine\n", 1000, 1000, 0600);
      dir(tar, "opt/", 0, 0, 0755);
      file(tar, "opt/tool", "#!/bin/sh\necho tool\n", 0, 0, 04755);
      file(tar, "opt/gtool", "#!/bin/sh\n", 1000, 50, 02755);
      dir(tar, "srv/", 0, 0, 0755);
      dir(tar, "srv/data/", 33, 33, 0750);
      file(tar, "srv/data/x", "x\n", 33, 33, 0640);
      TarArchiveEntry l = new TarArchiveEntry("srv/link", TarArchiveEntry.LF_SYMLINK);
      l.setLinkName("data/x");
      l.setIds(33, 33);
      tar.putArchiveEntry(l);
      tar.closeArchiveEntry();
    }
    return buf.toByteArray();
  }

  private static void dir(TarArchiveOutputStream tar, String name, int uid, int gid, int mode) throws IOException {
    TarArchiveEntry e = new TarArchiveEntry(name);
    e.setIds(uid, gid);
    e.setMode(mode);
    tar.putArchiveEntry(e);
    tar.closeArchiveEntry();
  }

  private static void file(TarArchiveOutputStream tar, String name, String content, int uid, int gid, int mode)
      throws IOException {
    byte[] b = content.getBytes(StandardCharsets.UTF_8);
    TarArchiveEntry e = new TarArchiveEntry(name);
    e.setIds(uid, gid);
    e.setMode(mode);
    e.setSize(b.length);
    tar.putArchiveEntry(e);
    tar.write(b);
    tar.closeArchiveEntry();
  }
}
