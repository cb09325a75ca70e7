package dev.skiff.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Plain JUnit: parsing is a pure function of the file content. */
class SubIdFileTest {

  @Test
  void parse_commentsBlankLinesAndSeveralRangesPerUser() {
    SubIdFile file =
        SubIdFile.parse(
            """
            # managed by useradd
            alice:100000:65536

            bob:165536:65536
            1000:300000:1000
              alice:400000:10  \s
            """,
            "/etc/subuid");

    assertEquals(4, file.entries().size());
    assertEquals(
        List.of(
            SubIdRange.of(100000, 65536), SubIdRange.of(300000, 1000), SubIdRange.of(400000, 10)),
        file.rangesFor("alice", 1000));
    assertEquals(List.of(SubIdRange.of(165536, 65536)), file.rangesFor("bob", 1001));
    assertTrue(file.overlaps().isEmpty());
  }

  @Test
  void parse_malformedLine_namesFileAndLine() {
    InvalidSubIdFileException e =
        assertThrows(
            InvalidSubIdFileException.class,
            () -> SubIdFile.parse("alice:100000:65536\nbob:x:10\n", "/etc/subgid"));
    assertTrue(
        e.getMessage().startsWith("/etc/subgid:2: start \"x\" is not a number"), e.getMessage());
    assertTrue(e.getMessage().contains("bob:x:10"));
  }

  @Test
  void parse_wrongFieldCount() {
    InvalidSubIdFileException e =
        assertThrows(
            InvalidSubIdFileException.class, () -> SubIdFile.parse("# c\nalice:1\n", "subuid"));
    assertTrue(e.getMessage().startsWith("subuid:2: expected name:start:count"), e.getMessage());
  }

  @Test
  void parse_zeroCountAndEmptyName() {
    assertThrows(InvalidSubIdFileException.class, () -> SubIdFile.parse("a:1:0", "f"));
    assertThrows(InvalidSubIdFileException.class, () -> SubIdFile.parse(":1:10", "f"));
    assertThrows(InvalidSubIdFileException.class, () -> SubIdFile.parse("a:-1:10", "f"));
    assertThrows(InvalidSubIdFileException.class, () -> SubIdFile.parse("a:4294967290:10", "f"));
  }

  @Test
  void overlaps_betweenDifferentUsersOnly() {
    SubIdFile file =
        SubIdFile.parse(
            "alice:100000:65536\nalice:120000:10\nbob:165535:10\ncarol:1:5\n", "subuid");
    List<SubIdOverlap> overlaps = file.overlaps();
    assertEquals(1, overlaps.size());
    assertEquals("alice", overlaps.get(0).first().owner());
    assertEquals("bob", overlaps.get(0).second().owner());
    assertTrue(overlaps.get(0).toString().contains("line 1"), overlaps.get(0).toString());
  }

  @Test
  void rangesFor_numericUid() {
    SubIdFile file = SubIdFile.parse("1000:100000:65536\n", "subuid");
    assertEquals(List.of(SubIdRange.of(100000, 65536)), file.rangesFor("alice", 1000));
    assertTrue(file.rangesFor("alice", 1001).isEmpty());
  }

  @Test
  void collisionsWith() {
    SubIdFile file = SubIdFile.parse("alice:100000:65536\n", "subuid");
    assertEquals(1, file.collisionsWith(SubIdRange.of(165535, 5)).size());
    assertTrue(file.collisionsWith(SubIdRange.of(165536, 5)).isEmpty());
  }
}
