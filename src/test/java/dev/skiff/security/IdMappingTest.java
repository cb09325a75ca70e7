package dev.skiff.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class IdMappingTest {

  @Test
  void parse_valid() {
    assertEquals(IdMapping.of(0, 100000, 65536), IdMapping.parse("0:100000:65536"));
  }

  @Test
  void parse_invalid_quotesInput() {
    InvalidSecuritySettingException e =
        assertThrows(InvalidSecuritySettingException.class, () -> IdMapping.parse("0:100000"));
    assertTrue(e.getMessage().contains("\"0:100000\""), e.getMessage());
    assertThrows(InvalidSecuritySettingException.class, () -> IdMapping.parse("a:1:1"));
    assertThrows(InvalidSecuritySettingException.class, () -> IdMapping.parse("0:1:0"));
    assertThrows(InvalidSecuritySettingException.class, () -> IdMapping.parse("0:-1:1"));
    assertThrows(InvalidSecuritySettingException.class, () -> IdMapping.parse("4294967290:1:10"));
  }

  @Test
  void idMap_rejectsContainerOverlap() {
    InvalidSecuritySettingException e =
        assertThrows(
            InvalidSecuritySettingException.class,
            () -> IdMap.parse(List.of("0:100000:10", "5:200000:10")));
    assertTrue(e.getMessage().contains("container IDs"), e.getMessage());
  }

  @Test
  void idMap_rejectsHostOverlap() {
    InvalidSecuritySettingException e =
        assertThrows(
            InvalidSecuritySettingException.class,
            () -> IdMap.parse(List.of("0:100000:10", "10:100005:10")));
    assertTrue(e.getMessage().contains("host IDs"), e.getMessage());
  }

  @Test
  void idMap_toHostAndProcLines() {
    IdMap map = IdMap.parse(List.of("0:1000:1", "1:100000:65536"));
    assertEquals(Optional.of(1000L), map.toHost(0));
    assertEquals(Optional.of(100999L), map.toHost(1000));
    assertEquals(Optional.empty(), map.toHost(65537));
    assertEquals(List.of("0 1000 1", "1 100000 65536"), map.toProcLines());
    assertEquals(65537, map.size());
  }

  @Test
  void idMap_serialisesAsOciArray() throws Exception {
    String json = new ObjectMapper().writeValueAsString(IdMap.of(IdMapping.of(0, 1000, 1)));
    assertEquals("[{\"containerID\":0,\"hostID\":1000,\"size\":1}]", json);
  }
}
