package dev.skiff.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Image files keep their owners and setuid/setgid bits, rootless too (set in a user namespace
 * through skiff-shim userns-run), and what a non-root container user wrote is removed with the
 * container.
 */
class ImageOwnersIT extends BothDaemons {

  @BeforeAll
  static void loadOwnersImage() {
    for (Daemon d : new Daemon[] {rootless, root}) {
      new Podman(d).ok("load", "-i", OwnersImage.dockerArchive().toString());
    }
  }

  @ParameterizedTest(autoCloseArguments = false)
  @MethodSource("daemons")
  void layerOwnersAndSpecialBits_areAsInTheImage(Daemon d) throws Exception {
    Podman p = new Podman(d);
    String out = p.ok("run", "--rm", OwnersImage.NAME, "stat", "-c", "%u:%g %a %n",
        "/home/app", "/home/app/notes", "/opt/tool", "/opt/gtool", "/srv/data", "/srv/data/x", "/srv/link");
    assertEquals(List.of("1000:1000 700 /home/app", "1000:1000 600 /home/app/notes", "0:0 4755 /opt/tool",
        "1000:50 2755 /opt/gtool", "33:33 750 /srv/data", "33:33 640 /srv/data/x", "33:33 777 /srv/link"),
        out.lines().toList());
    // on the host the files belong to the daemon's mapped IDs (rootless: its subordinate range)
    long base = d.user.isRoot() ? -1 : 100000 - 1;
    try (Stream<Path> layers = Files.list(d.root.resolve("storage/layers"))) {
      Path notes = layers.map(l -> l.resolve("home/app/notes")).filter(Files::exists).findFirst().orElseThrow();
      int uid = (Integer) Files.getAttribute(notes, "unix:uid", LinkOption.NOFOLLOW_LINKS);
      if (base > 0) {
        assertEquals(base + 1000, uid, "uid 1000 of the image is subordinate id 100000 + 999 on the host");
      } else {
        assertTrue(uid >= 1000, "root mode maps through its default range: " + uid);
      }
    }
  }

  @ParameterizedTest(autoCloseArguments = false)
  @MethodSource("daemons")
  void filesOfNonRootContainerUsers_goWithTheContainer(Daemon d) {
    Podman p = new Podman(d);
    String name = "own" + System.nanoTime();
    p.ok("run", "--name", name, "--user", "1000:1000", OwnersImage.NAME, "sh", "-c",
        "cat /home/app/notes; mkdir -p /home/app/deep/er && echo new > /home/app/deep/er/f && chmod 500 /home/app/deep");
    String id = p.ok("inspect", "--format", "{{.Id}}", name);
    Path dir = d.root.resolve("containers").resolve(id);
    assertTrue(Files.isDirectory(dir), dir.toString());
    p.ok("rm", name);
    assertFalse(Files.exists(dir), "the container's files are gone, including the non-root user's: " + dir);
    assertFalse(d.logText().contains("could not all be deleted"), d.logText());
  }

  @ParameterizedTest(autoCloseArguments = false)
  @MethodSource("daemons")
  void removingTheImage_removesItsLayers_evenFilesOfSubordinateOwners(Daemon d) throws Exception {
    Podman p = new Podman(d);
    String id = p.ok("image", "inspect", "--format", "{{.Id}}", OwnersImage.NAME);
    List<String> diffIds = List.of(p.ok("image", "inspect", "--format", "{{range .RootFS.Layers}}{{.}} {{end}}",
        OwnersImage.NAME).trim().split(" "));
    Path storage = d.root.resolve("storage");
    for (String diff : diffIds) {
      assertTrue(Files.isDirectory(storage.resolve("layers").resolve(diff.substring(7))), diff);
    }
    p.ok("rmi", OwnersImage.NAME);
    for (String diff : diffIds) {
      String hex = diff.substring(7);
      assertFalse(Files.exists(storage.resolve("layers").resolve(hex)), "layer dir of " + diff);
      assertFalse(Files.exists(storage.resolve("blobs/sha256").resolve(hex)), "layer blob of " + diff);
    }
    assertFalse(Files.exists(storage.resolve("blobs/sha256").resolve(id)), "config blob");
    try (var staging = Files.list(storage.resolve("staging"))) {
      assertEquals(List.of(), staging.toList(), "nothing left in staging");
    }
    assertFalse(d.logText().contains("removing layer"), d.logText());
    p.ok("load", "-i", OwnersImage.dockerArchive().toString()); // for the other cases, in any order
  }
}
