package dev.skiff.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.skiff.security.SubIdGrant;
import dev.skiff.security.SubIdRange;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The shared engine method of `skiffd subids add` and the admin endpoint, on files in a temp dir. */
class SubIdAdminTest {

  @TempDir Path dir;

  private SubIdAdmin admin(String subuid, String subgid, List<SubIdRange> reserved) throws Exception {
    Files.writeString(dir.resolve("subuid"), subuid);
    Files.writeString(dir.resolve("subgid"), subgid);
    Files.writeString(dir.resolve("passwd"), """
        root:x:0:0:root:/root:/bin/bash
        alice:x:1000:1000::/home/alice:/bin/bash
        bob:x:1001:1001::/home/bob:/bin/bash
        ghost:x:165536:165536::/:/usr/sbin/nologin
        """);
    return new SubIdAdmin(new SubIdAdmin.Locations(dir.resolve("subuid"), dir.resolve("subgid"), dir.resolve("passwd")),
        SubIdAdmin.defaultPool(), () -> reserved);
  }

  @Test
  void add_writesTheSameRangeToBothFiles() throws Exception {
    SubIdGrant g = admin("alice:100000:65536\n", "alice:100000:65536", List.of(SubIdRange.of(165537, 10)))
        .add("bob", 1000, false);
    assertEquals(SubIdRange.of(165547, 1000), g.subuid(), "clear of alice, ghost's uid and the reserved range");
    assertEquals("alice:100000:65536\nbob:165547:1000\n", Files.readString(dir.resolve("subuid")));
    assertEquals("alice:100000:65536\nbob:165547:1000\n", Files.readString(dir.resolve("subgid")));
  }

  @Test
  void add_refusesUnknownUsersAndUsersWithARangeUnlessAdditional() throws Exception {
    SubIdAdmin a = admin("bob:100000:10\n", "", List.of());
    var unknown = assertThrows(NoSuchObjectException.class, () -> a.add("carol", 10, false));
    assertTrue(unknown.getMessage().contains("user \"carol\" does not exist"), unknown.getMessage());
    var again = assertThrows(ConflictException.class, () -> a.add("bob", 10, false));
    assertTrue(again.getMessage().contains("user bob already has subordinate IDs"), again.getMessage());
    assertEquals("bob:100000:10\n", Files.readString(dir.resolve("subuid")));
    assertEquals(SubIdRange.of(100010, 10), a.add("bob", 10, true).subuid());
  }

  @Test
  void add_aNumericUidEntryCountsAsTheUsersRange() throws Exception {
    SubIdAdmin a = admin("1000:100000:10\n", "", List.of());
    assertThrows(ConflictException.class, () -> a.add("alice", 10, false));
  }

  @Test
  void add_badSizeAndMalformedFileAreInvalidArguments() throws Exception {
    assertThrows(InvalidArgumentException.class, () -> admin("", "", List.of()).add("bob", 0, false));
    var bad = assertThrows(InvalidArgumentException.class, () -> admin("alice:x:1\n", "", List.of()).add("bob", 10, false));
    assertTrue(bad.getMessage().contains("subuid:1: start \"x\" is not a number"), bad.getMessage());
  }
}
