package dev.skiff.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.skiff.engine.InvalidArgumentException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class FiltersTest {

  @Test
  void parse_readsArraysAndLegacyMaps() {
    assertEquals(Map.of(), Filters.parse(null));
    assertEquals(Map.of(), Filters.parse("{}"));
    assertEquals(Map.of("label", List.of("a=b", "c")), Filters.parse("{\"label\":[\"a=b\",\"c\"]}"));
    assertEquals(Map.of("label", List.of("a=b")), Filters.parse("{\"label\":{\"a=b\":true}}"));
  }

  @Test
  void parse_rejectsNonJsonAndWrongTypes() {
    assertThrows(InvalidArgumentException.class, () -> Filters.parse("label=a"));
    assertThrows(InvalidArgumentException.class, () -> Filters.parse("{\"label\":[1]}"));
    assertThrows(InvalidArgumentException.class, () -> Filters.parse("{\"label\":\"a\"}"));
  }
}
