package dev.skiff.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.skiff.engine.InvalidArgumentException;
import jakarta.ws.rs.core.MultivaluedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The archive PUT's query decoding (plain JUnit: pure functions). */
class ArchiveEndpointsTest {

  private static MultivaluedHashMap<String, String> query(String k, String v) {
    MultivaluedHashMap<String, String> q = new MultivaluedHashMap<>();
    q.add(k, v);
    return q;
  }

  @Test
  void bool_matchesTheNameCaseInsensitively_asPodmanSendsIt() {
    assertEquals(true, ArchiveEndpoints.bool(query("nooverwritedirnondir", "true"), "noOverwriteDirNonDir", false));
    assertEquals(true, ArchiveEndpoints.bool(query("copyUIDGID", "1"), "copyUIDGID", false));
    assertEquals(false, ArchiveEndpoints.bool(query("copyUIDGID", "false"), "copyUIDGID", true));
  }

  @Test
  void bool_absentOrEmpty_isTheFlavoursDefault() {
    assertEquals(true, ArchiveEndpoints.bool(new MultivaluedHashMap<>(), "copyUIDGID", true));
    assertEquals(false, ArchiveEndpoints.bool(query("copyUIDGID", ""), "copyUIDGID", false));
  }

  @Test
  void bool_garbage_is400() {
    assertThrows(InvalidArgumentException.class, () -> ArchiveEndpoints.bool(query("copyUIDGID", "yes"), "copyUIDGID", false));
  }

  @Test
  void rename_isAJsonMap() {
    assertEquals(Map.of("a", "b"), ArchiveEndpoints.rename("{\"a\":\"b\"}"));
    assertEquals(Map.of(), ArchiveEndpoints.rename(null));
    assertThrows(InvalidArgumentException.class, () -> ArchiveEndpoints.rename("[1]"));
  }
}
