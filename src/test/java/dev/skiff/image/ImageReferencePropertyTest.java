package dev.skiff.image;

import static org.junit.jupiter.api.Assertions.assertEquals;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** Properties of {@link ImageReference#parse}: total (one exception type) and round-tripping. */
class ImageReferencePropertyTest {

  @Property(tries = 3000)
  void parse_throwsOnlyInvalidImageReference(@ForAll("referenceLike") String input) {
    try {
      ImageReference ref = ImageReference.parse(input);
      assertEquals(ref, reparse(ref));
    } catch (InvalidImageReferenceException expected) {
      // the only failure allowed
    }
  }

  @Property(tries = 2000)
  void parse_toString_roundTrips(@ForAll("validReference") String input) throws Exception {
    ImageReference ref = ImageReference.parse(input);
    ImageReference again = reparse(ref);
    assertEquals(ref, again);
    assertEquals(ref.toString(), again.toString());
  }

  private static ImageReference reparse(ImageReference ref) {
    try {
      return ImageReference.parse(ref.toString());
    } catch (InvalidImageReferenceException e) {
      throw new AssertionError("toString of a parsed reference did not parse: " + ref, e);
    }
  }

  @Provide
  Arbitrary<String> referenceLike() {
    return Arbitraries.strings().withChars("abcAZ09._-/:@sha256x ").ofMaxLength(40)
        .injectDuplicates(0.05);
  }

  @Provide
  Arbitrary<String> validReference() {
    Arbitrary<String> component = Arbitraries.strings().withChars("abc019").ofMinLength(1).ofMaxLength(6);
    Arbitrary<String> sep = Arbitraries.of("", ".", "_", "__", "-", "--");
    Arbitrary<String> pathComponent = Combinators.combine(component, sep, component)
        .as((a, s, b) -> s.isEmpty() ? a : a + s + b);
    Arbitrary<String> path = pathComponent.list().ofMinSize(1).ofMaxSize(3).map(l -> String.join("/", l));
    Arbitrary<String> registry = Arbitraries.of("", "localhost/", "localhost:5000/", "docker.io/",
        "quay.io/", "127.0.0.1:5000/", "Reg.Example/");
    Arbitrary<String> tag = Arbitraries.strings().withChars("aZ09_.-").ofMinLength(1).ofMaxLength(10)
        .filter(t -> t.charAt(0) != '.' && t.charAt(0) != '-').map(t -> ":" + t).injectNull(0.3)
        .map(t -> t == null ? "" : t);
    Arbitrary<String> digest = Arbitraries.strings().withChars("0123456789abcdef").ofLength(64)
        .map(h -> "@sha256:" + h).injectNull(0.7).map(d -> d == null ? "" : d);
    return Combinators.combine(registry, path, tag, digest).as((r, p, t, d) -> r + p + t + d);
  }
}
