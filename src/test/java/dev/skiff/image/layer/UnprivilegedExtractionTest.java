package dev.skiff.image.layer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.skiff.image.TarBuilder;
import java.io.ByteArrayInputStream;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs the extractor as an unprivileged user (nobody, via setpriv) in a child JVM: the USER_XATTR
 * whiteouts need no privilege, and a layer whose owners the process cannot set fails with a clear
 * EPERM error rather than silently extracting with the wrong owners.
 */
class UnprivilegedExtractionTest {
  static final int NOBODY = 65534;

  @TempDir Path tmp;

  @Test
  void extract_asNobody_xattrWhiteoutsWorkAndForeignOwnersFail() throws Exception {
    assumeTrue(NativeFs.canMknodWhiteouts() && Files.isExecutable(Path.of("/usr/bin/setpriv")),
        "needs root and setpriv to drop to nobody");
    Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rwxr-xr-x"));
    String classpath = copyClasspath(Files.createDirectory(tmp.resolve("cp")));
    for (String name : new String[] {"ok", "foreign"}) {
      Path dir = Files.createDirectory(tmp.resolve(name));
      Files.setAttribute(dir, "unix:uid", NOBODY);
    }
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    Process p = new ProcessBuilder("setpriv", "--reuid=" + NOBODY, "--regid=" + NOBODY, "--clear-groups",
        java.toString(), "-cp", classpath, Main.class.getName(), tmp.toString())
        .redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    assertEquals(0, p.waitFor(), out);
    assertTrue(out.contains("ok: extracted, style=USER_XATTR whiteout=true"), out);
    assertTrue(out.contains("foreign: layer entry \"root-owned\": cannot set owner 0:0 (Operation not permitted)"), out);
  }

  /** Copies our classes and the libraries the extractor needs where nobody can read them. */
  private static String copyClasspath(Path dir) throws Exception {
    String cp = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
    List<String> out = new ArrayList<>();
    int i = 0;
    for (String entry : cp.split(File.pathSeparator)) {
      Path src = Path.of(entry);
      String n = src.getFileName().toString();
      boolean wanted = Files.isDirectory(src) || n.matches("(commons-|jnr-|jffi|asm).*\\.jar");
      if (!wanted) {
        continue;
      }
      Path dst = dir.resolve(i++ + "-" + n);
      if (Files.isDirectory(src)) {
        try (var walk = Files.walk(src)) {
          for (Path f : (Iterable<Path>) walk::iterator) {
            Path t = dst.resolve(src.relativize(f).toString());
            if (Files.isDirectory(f)) {
              Files.createDirectories(t);
            } else {
              Files.copy(f, t, StandardCopyOption.REPLACE_EXISTING);
            }
          }
        }
      } else {
        Files.copy(src, dst);
      }
      out.add(dst.toString());
    }
    try (var walk = Files.walk(dir)) {
      for (Path f : (Iterable<Path>) walk::iterator) {
        Files.setPosixFilePermissions(f, PosixFilePermissions.fromString(Files.isDirectory(f) ? "rwxr-xr-x" : "rw-r--r--"));
      }
    }
    return String.join(File.pathSeparator, out);
  }

  /** Child JVM, running as nobody. */
  public static final class Main {
    public static void main(String[] args) throws Exception {
      Path base = Path.of(args[0]);
      LayerExtractor extractor = new LayerExtractor(WhiteoutStyle.forCurrentProcess());
      byte[] mine = new TarBuilder().dir("d").file("d/f", "x".getBytes(), 0644, NOBODY, NOBODY, Map.of())
          .file("d/.wh.gone", "").build();
      byte[] foreign = new TarBuilder().file("root-owned", "x".getBytes(), 04755, 0, 0, Map.of()).build();
      try {
        // every id maps to the user itself, as with a single-id user namespace
        OwnerMapper toSelf = (u, g) -> new OwnerMapper.Ids(NOBODY, NOBODY);
        extractor.extract(new ByteArrayInputStream(mine), base.resolve("ok"), toSelf, ExtractLimits.DEFAULT);
        byte[] wh = NativeFs.lgetxattr(base.resolve("ok/d/gone"), "user.overlay.whiteout");
        System.out.println("ok: extracted, style=" + extractor.whiteoutStyle() + " whiteout=" + (wh != null));
      } catch (Exception e) {
        System.out.println("ok: FAILED " + e);
      }
      try {
        extractor.extract(new ByteArrayInputStream(foreign), base.resolve("foreign"), OwnerMapper.identity(),
            ExtractLimits.DEFAULT);
        System.out.println("foreign: extracted (unexpected)");
      } catch (LayerExtractionException e) {
        System.out.println("foreign: " + e.getMessage());
      }
    }
  }
}
