package dev.skiff.api;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Plain JUnit: parsing and scanning are pure. */
class DetachKeysTest {

  private static byte[] b(String s) {
    return s.getBytes(StandardCharsets.ISO_8859_1);
  }

  @Test
  void scan_defaultSequenceDetachesAndDropsTheKeys() {
    DetachKeys k = DetachKeys.parse(null);
    DetachKeys.Scan s = k.scan(b("ls\u0010\u0011rest"), 8);
    assertTrue(s.detach());
    assertArrayEquals(b("ls"), s.pass());
  }

  @Test
  void scan_sequenceSplitAcrossChunks() {
    DetachKeys k = DetachKeys.parse("ctrl-p,ctrl-q");
    DetachKeys.Scan first = k.scan(b("a\u0010"), 2);
    assertFalse(first.detach());
    assertArrayEquals(b("a"), first.pass(), "a possible start is held back");
    assertTrue(k.scan(b("\u0011"), 1).detach());
  }

  @Test
  void scan_brokenPrefixIsPassedOn() {
    DetachKeys k = DetachKeys.parse("ctrl-p,ctrl-q");
    DetachKeys.Scan s = k.scan(b("\u0010x\u0010\u0010y"), 5);
    assertFalse(s.detach());
    assertArrayEquals(b("\u0010x\u0010\u0010y"), s.pass());
  }

  @Test
  void parse_emptyDisablesDetaching() {
    DetachKeys k = DetachKeys.parse("");
    DetachKeys.Scan s = k.scan(b("\u0010\u0011"), 2);
    assertFalse(s.detach());
    assertArrayEquals(b("\u0010\u0011"), s.pass());
  }

  @Test
  void parse_singleCharactersAndPunctuation() {
    assertTrue(DetachKeys.parse("a,ctrl-@,ctrl-]").scan(b("a\0\u001d"), 3).detach());
    assertTrue(DetachKeys.parse("ctrl-\\").scan(b("\u001c"), 1).detach());
  }

  @Test
  void parse_invalidIsRefused() {
    assertThrows(IllegalArgumentException.class, () -> DetachKeys.parse("ctrl-pp"));
    assertThrows(IllegalArgumentException.class, () -> DetachKeys.parse("shift-a"));
  }
}
