package dev.skiff.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** podman-remote image commands against a rootless skiffd. */
class ImagesIT {

  @Test
  void loadTagInspectExistsRemoveAndPrune() {
    try (Daemon d = Daemon.start(TestUser.rootless())) {
      Podman p = new Podman(d);
      assertTrue(p.ok("load", "-i", TestImages.ociArchive().toString()).contains("Loaded image: " + TestImages.NAME));
      assertTrue(p.ok("images", "--format", "{{.Repository}}:{{.Tag}}").contains(TestImages.NAME));
      p.ok("tag", TestImages.NAME, "localhost/bb2:v1");
      assertEquals(0, p.run("image", "exists", "localhost/bb2:v1").exit());
      assertEquals(1, p.run("image", "exists", "localhost/nope").exit());
      String id = p.ok("image", "inspect", "--format", "{{.Id}}", TestImages.NAME);
      assertEquals(id, p.ok("image", "inspect", "--format", "{{.Id}}", "localhost/bb2:v1"));
      assertEquals("[sh]", p.ok("image", "inspect", "--format", "{{.Config.Cmd}}", "busybox"));

      String ctr = p.ok("create", TestImages.NAME, "true");
      p.ok("rmi", "localhost/bb2:v1"); // untags only: the image keeps its other name
      var inUse = p.run("rmi", TestImages.NAME);
      assertEquals(2, inUse.exit(), inUse.stderr());
      assertTrue(inUse.stderr().contains("image is in use by a container"), inUse.stderr());
      var unknown = p.run("rmi", "localhost/nope");
      assertEquals(1, unknown.exit(), unknown.stderr());
      assertTrue(unknown.stderr().contains("image not known"), unknown.stderr());

      p.ok("rm", ctr);
      p.ok("rmi", TestImages.NAME);
      assertFalse(p.ok("images").contains("busybox"));
      p.ok("image", "prune", "-f");
      var missing = p.run("create", "--pull", "never", TestImages.NAME, "true");
      assertTrue(missing.exit() != 0 && missing.stderr().contains("image not known"), missing.stderr());
    }
  }
}
