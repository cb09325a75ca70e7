package dev.skiff.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Named and anonymous volumes mounted by containers, through podman-remote, rootless and root. */
class ContainerVolumesIT extends BothDaemons {

  static List<String> volumes(Podman p) {
    return p.ok("volume", "ls", "-q").lines().filter(l -> !l.isBlank()).toList();
  }

  @ParameterizedTest(autoCloseArguments = false)
  @MethodSource("daemons")
  void namedVolumes_areCreatedOnFirstUse_keepData_andAreProtectedWhileUsed(Daemon d) {
    Podman p = new Podman(d);
    String vol = "data" + System.nanoTime();
    p.ok("run", "--rm", "-v", vol + ":/v", TestImages.NAME, "sh", "-c", "echo kept > /v/f; chown 1000:1000 /v/f");
    assertTrue(volumes(p).contains(vol), "created by run -v NAME:/path");
    assertEquals("kept 1000", p.ok("run", "--rm", "-v", vol + ":/v:ro", TestImages.NAME, "sh", "-c",
        "echo $(cat /v/f) $(stat -c %u /v/f); touch /v/g 2>/dev/null || true"));
    String user = "u" + System.nanoTime();
    p.ok("run", "-d", "--name", user, "-v", vol + ":/v", TestImages.NAME, "sleep", "300");
    var busy = p.run("volume", "rm", vol);
    assertEquals(2, busy.exit(), busy.stderr());
    assertTrue(busy.stderr().contains("volume is being used"), busy.stderr());
    p.ok("volume", "prune", "-f");
    assertTrue(volumes(p).contains(vol), "prune leaves a used volume alone");
    p.ok("volume", "rm", "-f", vol);
    assertEquals(1, p.run("container", "exists", user).exit(), "rm -f of a used volume removes its containers");
    assertTrue(!volumes(p).contains(vol));
  }

  @ParameterizedTest(autoCloseArguments = false)
  @MethodSource("daemons")
  void anonymousVolumes_goWithRmV_andWithRunRm(Daemon d) {
    Podman p = new Podman(d);
    List<String> before = volumes(p);
    assertEquals("hello", p.ok("run", "--rm", "-v", "/scratch", TestImages.NAME, "sh", "-c", "echo hello > /scratch/f; cat /scratch/f"));
    assertEquals(before, volumes(p), "run --rm removes the anonymous volume");
    String name = "anon" + System.nanoTime();
    p.ok("run", "-d", "--name", name, "-v", "/scratch", TestImages.NAME, "sh", "-c", "echo x > /scratch/f; sleep 300");
    List<String> during = volumes(p);
    assertEquals(before.size() + 1, during.size(), during.toString());
    String anon = during.stream().filter(v -> !before.contains(v)).findFirst().orElseThrow();
    assertTrue(anon.matches("[0-9a-f]{64}"), anon);
    String mounts = p.ok("inspect", "--format", "{{range .Mounts}}{{.Name}} {{.Destination}}{{end}}", name);
    assertTrue(mounts.contains("/scratch"), mounts);
    p.ok("rm", "-f", "-v", name);
    assertEquals(before, volumes(p), "rm -v removes the anonymous volume");
    String kept = "keep" + System.nanoTime();
    p.ok("run", "-d", "--name", kept, "-v", "/scratch", TestImages.NAME, "true");
    p.ok("wait", kept);
    p.ok("rm", kept);
    assertEquals(before.size() + 1, volumes(p).size(), "plain rm keeps it (dangling)");
    p.ok("volume", "prune", "-f");
    assertEquals(before, volumes(p));
  }

  @ParameterizedTest(autoCloseArguments = false)
  @MethodSource("daemons")
  void volumesWithFilesOfOtherContainerUsers_areRemovedWhole(Daemon d) {
    Podman p = new Podman(d);
    String script = "mkdir -p /v/d/e && echo x > /v/d/e/f && chown -R 1000:1000 /v/d && chmod -R go-w /v/d";
    String named = "own" + System.nanoTime();
    p.ok("run", "--rm", "-v", named + ":/v", TestImages.NAME, "sh", "-c", script);
    java.nio.file.Path dir = java.nio.file.Path.of(p.ok("volume", "inspect", "--format", "{{.Mountpoint}}", named))
        .getParent();
    assertTrue(java.nio.file.Files.isDirectory(dir.resolve("_data/d/e")), dir.toString());
    // rootless: the files belong to a subordinate ID and d/e is not writable by the daemon's user
    p.ok("volume", "rm", named);
    assertTrue(!java.nio.file.Files.exists(dir), "the volume's directory is gone: " + dir);
    assertTrue(!volumes(p).contains(named));

    String pruned = "own" + System.nanoTime();
    p.ok("run", "--rm", "-v", pruned + ":/v", TestImages.NAME, "sh", "-c", script);
    java.nio.file.Path pdir = java.nio.file.Path.of(p.ok("volume", "inspect", "--format", "{{.Mountpoint}}", pruned))
        .getParent();
    p.ok("volume", "prune", "-f");
    assertTrue(!java.nio.file.Files.exists(pdir), "pruned: " + pdir);

    List<String> before = volumes(p);
    p.ok("run", "--rm", "-v", "/v", TestImages.NAME, "sh", "-c", script);
    assertEquals(before, volumes(p), "run --rm removes the anonymous volume with its files");
  }
}
