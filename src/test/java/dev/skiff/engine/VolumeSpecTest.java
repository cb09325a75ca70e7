package dev.skiff.engine;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class VolumeSpecTest {

  @Test
  void validate_acceptsPodmanNames() {
    for (String n : List.of("", "a", "data_1", "my.vol-2", "A9")) {
      assertDoesNotThrow(() -> new VolumeSpec(n, null, null, null).validate(), n);
    }
  }

  @Test
  void validate_rejectsPathLikeNamesDriversAndOptions() {
    for (String n : List.of("../x", "/abs", ".hidden", "a/b", "-x", "x".repeat(256))) {
      var e = assertThrows(InvalidArgumentException.class, () -> new VolumeSpec(n, null, null, null).validate(), n);
      assertTrue(e.getMessage().contains("invalid volume name"));
    }
    assertThrows(InvalidArgumentException.class, () -> new VolumeSpec("v", "nfs", null, null).validate());
    assertThrows(InvalidArgumentException.class, () -> new VolumeSpec("v", null, null, Map.of("o", "x")).validate());
  }

  @Test
  void labelFilters_matchKeyOrKeyValue() {
    var labels = Map.of("team", "a", "env", "");
    assertTrue(Labels.matches(labels, "team"));
    assertTrue(Labels.matches(labels, "team=a"));
    assertTrue(!Labels.matches(labels, "team=b"));
    assertTrue(Labels.matches(labels, "env="));
    var v = new Volume("v", "local", java.nio.file.Path.of("/x"), java.time.Instant.EPOCH, labels, Map.of(), false);
    assertTrue(VolumeFilters.of(Map.of("label", List.of("team=a"), "name", List.of("v"))).test(v));
    assertTrue(!VolumeFilters.of(Map.of("label!", List.of("team"))).test(v));
    assertThrows(InvalidArgumentException.class, () -> VolumeFilters.of(Map.of("dangling", List.of("true"))));
  }
}
