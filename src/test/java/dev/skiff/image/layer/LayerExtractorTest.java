package dev.skiff.image.layer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.skiff.image.TarBuilder;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.apache.commons.compress.archivers.tar.TarConstants;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hostile and ordinary layers against {@link LayerExtractor}. Each hostile case must be rejected
 * with a message naming the entry, and {@code sentinel/} (a sibling of the target) must stay
 * empty. Plain JUnit: the extractor is a pure function of (tar, empty dir).
 */
class LayerExtractorTest {
  @TempDir Path base;
  Path target;
  Path sentinel;
  final LayerExtractor extractor = new LayerExtractor(WhiteoutStyle.USER_XATTR);

  @BeforeEach
  void setUp() throws IOException {
    target = Files.createDirectory(base.resolve("target"));
    sentinel = Files.createDirectory(base.resolve("sentinel"));
  }

  private ExtractResult extract(byte[] tar) throws Exception {
    return extract(tar, ExtractLimits.DEFAULT);
  }

  private ExtractResult extract(byte[] tar, ExtractLimits limits) throws Exception {
    return extractor.extract(new ByteArrayInputStream(tar), target, OwnerMapper.identity(), limits);
  }

  private LayerExtractionException rejected(TarBuilder tar, String entry, String why) throws IOException {
    LayerExtractionException e =
        assertThrows(LayerExtractionException.class, () -> extract(tar.build()));
    assertEquals(entry, e.entry().orElse(null), e.getMessage());
    assertTrue(e.getMessage().contains(why), e.getMessage());
    assertNothingOutside();
    return e;
  }

  private void assertNothingOutside() throws IOException {
    try (var s = Files.list(sentinel)) {
      assertEquals(List.of(), s.toList(), "sentinel must stay empty");
    }
    try (var s = Files.list(base)) {
      assertEquals(List.of("sentinel", "target"), s.map(p -> p.getFileName().toString()).sorted().toList());
    }
  }

  @Test
  void extract_dotDotComponent_rejected() throws Exception {
    rejected(new TarBuilder().file("../x", "evil"), "../x", "\"..\"");
  }

  @Test
  void extract_dotDotInMiddle_rejected() throws Exception {
    rejected(new TarBuilder().dir("a").file("a/../../sentinel/x", "evil"), "a/../../sentinel/x", "\"..\"");
  }

  @Test
  void extract_absolutePath_strippedIntoTarget() throws Exception {
    String name = "/etc/skiff-layer-test-" + ProcessHandle.current().pid();
    extract(new TarBuilder().file(name, "inside").build());
    assertFalse(Files.exists(Path.of(name)));
    assertEquals("inside", Files.readString(target.resolve(name.substring(1))));
  }

  @Test
  void extract_writeThroughSymlinkToRoot_rejected() throws Exception {
    rejected(new TarBuilder().symlink("link", "/").file("link/etc/x", "evil"), "link/etc/x", "symlink");
    assertTrue(Files.isSymbolicLink(target.resolve("link")), "the symlink itself may exist");
  }

  @Test
  void extract_writeThroughRelativeEscapingSymlink_rejected() throws Exception {
    rejected(new TarBuilder().symlink("link", "../../..").file("link/x", "evil"), "link/x", "symlink");
    rejected(new TarBuilder().symlink("s", "../sentinel").file("s/x", "evil"), "s/x", "symlink");
  }

  @Test
  void extract_symlinkChainEscape_rejected() throws Exception {
    rejected(
        new TarBuilder().symlink("b", "../sentinel").symlink("a", "b").file("a/x", "evil"), "a/x", "symlink");
  }

  @Test
  void extract_dirReplacedBySymlinkThenWrittenUnder_rejected() throws Exception {
    rejected(
        new TarBuilder().dir("d").file("d/ok", "fine").symlink("d", "../sentinel").file("d/x", "evil"),
        "d/x", "symlink");
  }

  @Test
  void extract_fileOverPlantedSymlink_replacesLinkNotTarget() throws Exception {
    extract(new TarBuilder().symlink("f", "../sentinel/f").file("f", "data").build());
    assertTrue(Files.isRegularFile(target.resolve("f"), LinkOption.NOFOLLOW_LINKS));
    assertNothingOutside();
  }

  @Test
  void extract_hardlinkToAbsoluteHostFile_rejected() throws Exception {
    rejected(new TarBuilder().hardlink("pw", "/etc/passwd"), "pw", "not in this layer");
  }

  @Test
  void extract_hardlinkToParent_rejected() throws Exception {
    rejected(new TarBuilder().hardlink("h", "../outside"), "h", "\"..\"");
  }

  @Test
  void extract_hardlinkThroughSymlinkedDir_rejected() throws Exception {
    rejected(new TarBuilder().symlink("etc", "/etc").hardlink("pw", "etc/passwd"), "pw", "symlink");
  }

  @Test
  void extract_hardlinkToEscapingSymlink_rejected() throws Exception {
    rejected(new TarBuilder().dir("a").symlink("a/s", "../../sentinel/x").hardlink("h", "a/s"), "h",
        "symlink leading outside");
  }

  @Test
  void extract_hardlinkWithinLayer_sameInode() throws Exception {
    extract(new TarBuilder().dir("bin").file("bin/busybox", "elf").hardlink("bin/sh", "bin/busybox").build());
    Object a = Files.getAttribute(target.resolve("bin/busybox"), "unix:ino");
    Object b = Files.getAttribute(target.resolve("bin/sh"), "unix:ino");
    assertEquals(a, b);
    assertEquals(2, Files.getAttribute(target.resolve("bin/sh"), "unix:nlink"));
  }

  @Test
  void extract_hardlinkToSymlinkInsideLayer_linksTheSymlink() throws Exception {
    extract(new TarBuilder().symlink("s", "/bin/busybox").hardlink("h", "s").build());
    assertTrue(Files.isSymbolicLink(target.resolve("h")));
  }

  @Test
  void extract_zeroByteInput_emptyLayer() throws Exception {
    ExtractResult r = extract(new byte[0]);
    assertEquals(0, r.entries());
    ExtractResult r2 = extract(new byte[1024]);
    assertEquals(0, r2.entries());
  }

  @Test
  void extract_truncatedLayer_rejected() throws Exception {
    byte[] tar = new TarBuilder().file("big", new byte[10_000], 0644, 0, 0, Map.of()).build();
    byte[] cut = Arrays.copyOf(tar, 3000);
    LayerExtractionException e = assertThrows(LayerExtractionException.class, () -> extract(cut));
    assertTrue(e.getMessage().contains("truncated"), e.getMessage());
  }

  @Test
  void extract_limits_enforced() throws Exception {
    byte[] tar = new TarBuilder().file("a", "12345").file("b", "12345").build();
    var e1 = assertThrows(LayerExtractionException.class,
        () -> extract(tar, new ExtractLimits(100, 1, 100, false)));
    assertTrue(e1.getMessage().contains("more than 1 entries"), e1.getMessage());
    var e2 = assertThrows(LayerExtractionException.class,
        () -> extract(tar, new ExtractLimits(100, 10, 4, false)));
    assertTrue(e2.getMessage().contains("exceeds the limit of 4 bytes"), e2.getMessage());
    var e3 = assertThrows(LayerExtractionException.class,
        () -> extract(tar, new ExtractLimits(8, 10, 100, false)));
    assertEquals("b", e3.entry().orElseThrow());
  }

  @Test
  void extract_deviceNodesNotAllowed_skippedWithWarning() throws Exception {
    ExtractResult r = extract(new TarBuilder().dir("dev").device("dev/null", TarConstants.LF_CHR, 1, 3)
        .device("dev/fifo", TarConstants.LF_FIFO, 0, 0).build());
    assertFalse(Files.exists(target.resolve("dev/null"), LinkOption.NOFOLLOW_LINKS));
    assertTrue(r.warnings().get(0).contains("dev/null"), r.warnings().toString());
    assertTrue(isOther(target.resolve("dev/fifo")));
  }

  @Test
  void extract_deviceNodesAllowed_created() throws Exception {
    org.junit.jupiter.api.Assumptions.assumeTrue(NativeFs.canMknodWhiteouts(), "needs real root");
    extract(new TarBuilder().device("null", TarConstants.LF_CHR, 1, 3).build(),
        ExtractLimits.DEFAULT.withDeviceNodes(true));
    assertEquals(NativeFs.makedev(1, 3), ((Number) Files.getAttribute(target.resolve("null"), "unix:rdev")).longValue());
  }

  @Test
  void extract_modesOwnersMtimes_kept() throws Exception {
    org.junit.jupiter.api.Assumptions.assumeTrue(NativeFs.canMknodWhiteouts(), "needs real root for chown");
    extract(new TarBuilder().dir("d", 0555).file("d/su", "x".getBytes(), 04755, 1234, 5678, Map.of())
        .file("d/sg", "x".getBytes(), 02711, 0, 0, Map.of()).dir("t", 01777).build());
    Path su = target.resolve("d/su");
    assertEquals(04755, (int) Files.getAttribute(su, "unix:mode") & 07777);
    assertEquals(1234, Files.getAttribute(su, "unix:uid"));
    assertEquals(5678, Files.getAttribute(su, "unix:gid"));
    assertEquals(02711, (int) Files.getAttribute(target.resolve("d/sg"), "unix:mode") & 07777);
    assertEquals(01777, (int) Files.getAttribute(target.resolve("t"), "unix:mode") & 07777);
    assertEquals(0555, (int) Files.getAttribute(target.resolve("d"), "unix:mode") & 07777);
    assertEquals(TarBuilder.MTIME, Files.getLastModifiedTime(target.resolve("d")).toInstant());
    assertEquals(TarBuilder.MTIME, Files.getLastModifiedTime(su).toInstant());
  }

  @Test
  void extract_ownerMapperApplied() throws Exception {
    org.junit.jupiter.api.Assumptions.assumeTrue(NativeFs.canMknodWhiteouts(), "needs real root for chown");
    OwnerMapper shift = (u, g) -> new OwnerMapper.Ids(u + 100000, g + 100000);
    extractor.extract(new ByteArrayInputStream(new TarBuilder()
        .file("f", "x".getBytes(), 0644, 1, 2, Map.of()).build()), target, shift, ExtractLimits.DEFAULT);
    assertEquals(100001, Files.getAttribute(target.resolve("f"), "unix:uid"));
    assertEquals(100002, Files.getAttribute(target.resolve("f"), "unix:gid"));
  }

  @Test
  void extract_ownerMapperFailure_failsLayer() throws Exception {
    OwnerMapper refuse = (u, g) -> {
      throw new LayerExtractionException(null, "uid " + u + " is not mapped");
    };
    var e = assertThrows(LayerExtractionException.class, () -> extractor.extract(
        new ByteArrayInputStream(new TarBuilder().file("f", "x").build()), target, refuse, ExtractLimits.DEFAULT));
    assertTrue(e.getMessage().contains("not mapped"));
  }

  @Test
  void extract_paxXattrs_keptButOverlayXattrsDropped() throws Exception {
    ExtractResult r = extract(new TarBuilder().file("f", "x".getBytes(), 0644, 0, 0,
        Map.of("SCHILY.xattr.user.skiff", "hello", "SCHILY.xattr.user.overlay.redirect", "/etc")).build());
    assertArrayEquals("hello".getBytes(), NativeFs.lgetxattr(target.resolve("f"), "user.skiff"));
    assertNull(NativeFs.lgetxattr(target.resolve("f"), "user.overlay.redirect"));
    assertTrue(r.warnings().stream().anyMatch(w -> w.contains("user.overlay.redirect")), r.warnings().toString());
  }

  @Test
  void extract_whiteoutsUserXattr_zeroSizeFileAndOpaqueMarks() throws Exception {
    extract(new TarBuilder().dir("a").file("a/.wh.gone", "").dir("o").file("o/.wh..wh..opq", "")
        .file("o/new", "n").build());
    Path wh = target.resolve("a/gone");
    assertTrue(Files.isRegularFile(wh, LinkOption.NOFOLLOW_LINKS));
    assertEquals(0, Files.size(wh));
    assertArrayEquals("y".getBytes(), NativeFs.lgetxattr(wh, "user.overlay.whiteout"));
    assertArrayEquals("x".getBytes(), NativeFs.lgetxattr(target.resolve("a"), "user.overlay.opaque"));
    assertArrayEquals("y".getBytes(), NativeFs.lgetxattr(target.resolve("o"), "user.overlay.opaque"));
    assertFalse(Files.exists(target.resolve("o/.wh..wh..opq")));
  }

  @Test
  void extract_whiteoutsCharDevice_zeroZeroDeviceAndTrustedOpaque() throws Exception {
    org.junit.jupiter.api.Assumptions.assumeTrue(NativeFs.canMknodWhiteouts(), "needs real root");
    new LayerExtractor(WhiteoutStyle.CHAR_DEVICE).extract(new ByteArrayInputStream(new TarBuilder()
        .file(".wh.gone", "").dir("o").file("o/.wh..wh..opq", "").build()), target, OwnerMapper.identity(),
        ExtractLimits.DEFAULT);
    Path wh = target.resolve("gone");
    assertTrue(isOther(wh));
    assertEquals(0L, ((Number) Files.getAttribute(wh, "unix:rdev")).longValue());
    assertArrayEquals("y".getBytes(), NativeFs.lgetxattr(target.resolve("o"), "trusted.overlay.opaque"));
  }

  @Test
  void extract_whiteoutForNameInSameLayer_keepsTheEntry() throws Exception {
    extract(new TarBuilder().file("f", "same layer").file(".wh.f", "").build());
    assertEquals("same layer", Files.readString(target.resolve("f"), StandardCharsets.UTF_8));
  }

  @Test
  void extract_invalidWhiteoutName_rejected() throws Exception {
    rejected(new TarBuilder().file(".wh..", ""), ".wh..", "invalid whiteout");
  }

  @Test
  void components_stripsAndRejects() throws Exception {
    assertEquals(List.of("a", "b"), LayerExtractor.components("/./a//b/", "x"));
    assertEquals(List.of(), LayerExtractor.components("./", "x"));
    assertThrows(LayerExtractionException.class, () -> LayerExtractor.components("a/..", "x"));
    assertThrows(LayerExtractionException.class, () -> LayerExtractor.components("a\0b", "x"));
  }

  @Test
  void extract_fileOverHardlink_doesNotWriteThroughToOtherName() throws Exception {
    extract(new TarBuilder().file("orig", "original").hardlink("alias", "orig").file("alias", "replaced").build());
    assertEquals("original", Files.readString(target.resolve("orig")));
    assertEquals("replaced", Files.readString(target.resolve("alias")));
  }

  @Test
  void extract_parentIsRegularFile_rejected() throws Exception {
    rejected(new TarBuilder().file("f", "x").file("f/child", "y"), "f/child", "not a directory");
  }

  @Test
  void extract_hardlinkCreatedThroughSymlinkedParent_rejected() throws Exception {
    rejected(new TarBuilder().file("ok", "1").symlink("link", "../sentinel").hardlink("link/h", "ok"),
        "link/h", "symlink");
  }

  @Test
  void extract_whiteoutThroughSymlinkedParent_rejected() throws Exception {
    rejected(new TarBuilder().symlink("link", "../sentinel").file("link/.wh.x", ""), "link/.wh.x", "symlink");
  }

  @Test
  void extract_symlinkAsLayerRoot_rejected() throws Exception {
    rejected(new TarBuilder().symlink("./", "/"), "./", "layer root");
  }

  private static boolean isOther(Path p) throws IOException {
    return Files.readAttributes(p, java.nio.file.attribute.BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS).isOther();
  }
}
