package dev.skiff.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** k8s-file parsing and tail selection. */
class LogLineTest {

  @TempDir Path dir;

  @Test
  void parse_readsFullPartialAndEmptyRecords() {
    var full = LogLine.parse("2026-11-23T10:00:00.123456789Z stdout F hello world").orElseThrow();
    assertEquals(Instant.parse("2026-11-23T10:00:00.123456789Z"), full.time());
    assertFalse(full.stderr());
    assertFalse(full.partial());
    assertEquals("hello world\n", full.payload());
    var partial = LogLine.parse("2026-11-23T10:00:00Z stderr P abc").orElseThrow();
    assertTrue(partial.stderr());
    assertEquals("abc", partial.payload());
    assertEquals("\n", LogLine.parse("2026-11-23T10:00:00Z stdout F ").orElseThrow().payload());
    assertEquals("\n", LogLine.parse("2026-11-23T10:00:00Z stdout F").orElseThrow().payload());
  }

  @Test
  void parse_rejectsOtherFormats() {
    for (String bad : List.of("", "hello", "2026-11-23T10:00:00Z stdin F x", "notatime stdout F x",
        "2026-11-23T10:00:00Z stdout X x")) {
      assertTrue(LogLine.parse(bad).isEmpty(), bad);
    }
  }

  @Test
  void read_tailCountsWholeLines() throws Exception {
    Path f = dir.resolve("ctr.log");
    Files.writeString(f, """
        2026-11-23T10:00:00Z stdout F one
        2026-11-23T10:00:01Z stdout P tw
        2026-11-23T10:00:01Z stdout F o
        2026-11-23T10:00:02Z stderr F three
        """);
    assertEquals(4, LogReader.read(f, l -> true, -1).size());
    var last2 = LogReader.read(f, l -> true, 2);
    assertEquals(List.of("tw", "o\n", "three\n"), last2.stream().map(LogLine::payload).toList());
    assertEquals(List.of("three\n"), LogReader.read(f, LogLine::stderr, -1).stream().map(LogLine::payload).toList());
    assertEquals(0, LogReader.read(f, l -> true, 0).size());
    assertEquals(0, LogReader.read(dir.resolve("missing"), l -> true, -1).size());
  }

  @Test
  void signals_parseNamesNumbersAndRealtime() {
    assertEquals(15, Signals.parse("TERM").orElseThrow());
    assertEquals(15, Signals.parse("sigterm").orElseThrow());
    assertEquals(9, Signals.parse("9").orElseThrow());
    assertEquals(1, Signals.parse("SIGHUP").orElseThrow());
    assertEquals(37, Signals.parse("RTMIN+3").orElseThrow());
    assertTrue(Signals.parse("NOPE").isEmpty());
    assertTrue(Signals.parse("0").isEmpty());
    assertTrue(Signals.parse("65").isEmpty());
  }
}
