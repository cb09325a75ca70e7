package dev.skiff.image.layer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.skiff.image.TarBuilder;
import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Proves the whiteouts {@link LayerExtractor} writes are ones the running kernel's overlayfs
 * honours, by mounting two extracted layers. Needs root (to mount); USER_XATTR needs Linux 6.7+.
 */
class OverlayWhiteoutTest {
  @TempDir Path base;

  @ParameterizedTest
  @EnumSource(WhiteoutStyle.class)
  void extractedWhiteouts_hideLowerEntriesInARealOverlayMount(WhiteoutStyle style) throws Exception {
    assumeTrue(NativeFs.canMknodWhiteouts(), "needs real root to mount overlayfs");
    LayerExtractor extractor = new LayerExtractor(style);
    Path lower1 = Files.createDirectory(base.resolve("l1"));
    Path lower2 = Files.createDirectory(base.resolve("l2"));
    Path merged = Files.createDirectory(base.resolve("merged"));
    extractor.extract(new ByteArrayInputStream(new TarBuilder().dir("a").file("a/foo", "1").file("a/bar", "1")
        .dir("d").file("d/x", "1").file("d/y", "1").file("top", "1").file("keep", "1").build()),
        lower1, OwnerMapper.identity(), ExtractLimits.DEFAULT);
    extractor.extract(new ByteArrayInputStream(new TarBuilder().dir("a").file("a/.wh.foo", "")
        .dir("d").file("d/.wh..wh..opq", "").file("d/z", "2").file(".wh.top", "").build()),
        lower2, OwnerMapper.identity(), ExtractLimits.DEFAULT);
    String opts = "lowerdir=" + lower2 + ":" + lower1 + (style == WhiteoutStyle.USER_XATTR ? ",userxattr" : "");
    Process mount = new ProcessBuilder("mount", "-t", "overlay", "overlay", "-o", opts, merged.toString())
        .redirectErrorStream(true).start();
    String out = new String(mount.getInputStream().readAllBytes());
    assumeTrue(mount.waitFor() == 0, "overlay mount failed: " + out);
    try {
      assertEquals(List.of("bar"), list(merged.resolve("a")));
      assertEquals(List.of("z"), list(merged.resolve("d")));
      assertEquals(List.of("a", "d", "keep"), list(merged));
      assertFalse(Files.exists(merged.resolve("a/foo")));
    } finally {
      new ProcessBuilder("umount", merged.toString()).inheritIO().start().waitFor();
    }
  }

  private static List<String> list(Path dir) throws Exception {
    try (var s = Files.list(dir)) {
      return s.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }
}
