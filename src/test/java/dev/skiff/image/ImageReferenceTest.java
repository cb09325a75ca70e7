package dev.skiff.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class ImageReferenceTest {
  static final String HEX = "0123456789abcdef".repeat(4);

  @ParameterizedTest
  @CsvSource({
    "busybox, docker.io/library/busybox:latest, true",
    "busybox:1.36, docker.io/library/busybox:1.36, true",
    "library/busybox, docker.io/library/busybox:latest, true",
    "user/app:v1, docker.io/user/app:v1, true",
    "docker.io/busybox, docker.io/library/busybox:latest, false",
    "index.docker.io/library/busybox, docker.io/library/busybox:latest, false",
    "localhost/x, localhost/x:latest, false",
    "localhost:5000/x:t, localhost:5000/x:t, false",
    "127.0.0.1:5000/a/b:t, 127.0.0.1:5000/a/b:t, false",
    "quay.io/podman/stable, quay.io/podman/stable:latest, false",
    "Registry/x, Registry/x:latest, false",
    "a__b-c/d_e.f, docker.io/a__b-c/d_e.f:latest, true",
    "a.b/c, a.b/c:latest, false",
  })
  void parse_normalises(String input, String expected, boolean shortName) throws Exception {
    ImageReference ref = ImageReference.parse(input);
    assertEquals(expected, ref.toString());
    assertEquals(shortName, ref.isShortName());
  }

  @Test
  void parse_digestOnly_noDefaultTag() throws Exception {
    ImageReference ref = ImageReference.parse("busybox@sha256:" + HEX);
    assertEquals("docker.io/library/busybox@sha256:" + HEX, ref.toString());
    assertTrue(ref.tag().isEmpty());
    assertEquals(Digest.parse("sha256:" + HEX), ref.digest().orElseThrow());
  }

  @Test
  void parse_tagAndDigest_keepsBoth() throws Exception {
    ImageReference ref = ImageReference.parse("localhost:5000/a:t@sha256:" + HEX);
    assertEquals("t", ref.tag().orElseThrow());
    assertEquals("localhost:5000", ref.registry());
    assertEquals("a", ref.repository());
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "Busybox", "busybox:", ":tag", "a//b", "a/", "/a", "busybox@sha256:abc",
      "busybox@md5:00", "-a", "a-", "a:-t", "registry.io/A/b", "a b", "a..b", "busybox:ttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttt"})
  void parse_invalid_rejectedQuotingInput(String input) {
    var e = assertThrows(InvalidImageReferenceException.class, () -> ImageReference.parse(input));
    assertTrue(e.getMessage().contains("\"" + input + "\""), e.getMessage());
    assertEquals(input, e.reference());
  }

  @Test
  void parse_uppercaseRepository_saysLowercase() {
    var e = assertThrows(InvalidImageReferenceException.class, () -> ImageReference.parse("docker.io/BusyBox"));
    assertTrue(e.getMessage().contains("lowercase"), e.getMessage());
  }

  @Test
  void equals_ignoresShortNameFlag() throws Exception {
    assertEquals(ImageReference.parse("busybox"), ImageReference.parse("docker.io/library/busybox:latest"));
    assertFalse(ImageReference.parse("busybox").equals(ImageReference.parse("busybox:1")));
  }

  @Test
  void withTag_replacesTagAndDropsDigest() throws Exception {
    ImageReference ref = ImageReference.parse("localhost/a:b@sha256:" + HEX).withTag("c");
    assertEquals("localhost/a:c", ref.toString());
  }

  @Test
  void shortNameResolver_defaultSearchOrder() throws Exception {
    ShortNameResolver resolver = new ShortNameResolver();
    assertEquals(List.of(ImageReference.parse("localhost/busybox:latest"),
        ImageReference.parse("docker.io/library/busybox:latest")), resolver.candidates("busybox"));
    assertEquals(List.of(ImageReference.parse("localhost/user/app:v1"), ImageReference.parse("docker.io/user/app:v1")),
        resolver.candidates("user/app:v1"));
    assertEquals(List.of(ImageReference.parse("quay.io/a/b:latest")), resolver.candidates("quay.io/a/b"));
  }

  @Test
  void shortNameResolver_onlyConfiguredRegistries() throws Exception {
    ShortNameResolver resolver = new ShortNameResolver(List.of("registry.example:5000"));
    assertEquals(List.of(ImageReference.parse("registry.example:5000/busybox@sha256:" + HEX)),
        resolver.candidates("busybox@sha256:" + HEX));
    assertEquals(List.of(), new ShortNameResolver(List.of()).candidates("busybox"));
    assertThrows(IllegalArgumentException.class, () -> new ShortNameResolver(List.of("not a host")));
    assertThrows(IllegalArgumentException.class, () -> new ShortNameResolver(List.of("nodots")));
  }
}
