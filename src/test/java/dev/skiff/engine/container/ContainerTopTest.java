package dev.skiff.engine.container;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.skiff.engine.InvalidArgumentException;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class ContainerTopTest {

  @Test
  void goDurations_printLikeGo() {
    assertEquals("0s", ContainerTop.goDuration(Duration.ZERO));
    assertEquals("10ms", ContainerTop.goDuration(Duration.ofMillis(10)));
    assertEquals("1.5s", ContainerTop.goDuration(Duration.ofMillis(1500)));
    assertEquals("2m3.25s", ContainerTop.goDuration(Duration.ofMillis(123_250)));
    assertEquals("1h0m0s", ContainerTop.goDuration(Duration.ofHours(1)));
    assertEquals("1h1m1s", ContainerTop.goDuration(Duration.ofSeconds(3661)));
  }

  @Test
  void capabilityMasks_nameTheSetsLikePsgo() {
    assertEquals("none", ContainerTop.caps("0000000000000000"));
    assertEquals("CHOWN,KILL", ContainerTop.caps("0000000000000021"));
    assertEquals("full", ContainerTop.caps("000001ffffffffff"));
  }

  @Test
  void descriptors_defaultsSplittingAndUnknowns() {
    assertEquals(ContainerTop.DEFAULT, ContainerTop.descriptors(List.of()));
    assertEquals(ContainerTop.DEFAULT, ContainerTop.descriptors(List.of("")));
    assertEquals(ContainerTop.DEFAULT, ContainerTop.descriptors(List.of("-ef")));
    assertEquals(List.of("pid", "user", "args"), ContainerTop.descriptors(List.of("pid,user", "args")));
    assertEquals(List.of("pid", "capeff"), ContainerTop.descriptors(List.of("pid capeff")));
    var e = assertThrows(InvalidArgumentException.class, () -> ContainerTop.descriptors(List.of("pid,bogus")));
    assertTrue(e.getMessage().contains("unknown descriptor: bogus"), e.getMessage());
  }

  @Test
  void idMapsAndNames_translateHostIdsToTheContainersView() {
    var map = ContainerTop.idMap("         0     100000      65536\n");
    assertEquals(1, map.size());
    assertEquals(100000, map.get(0)[1]);
    var names = ContainerTop.names("root:x:0:0:root:/root:/bin/sh\n# c\nbad\nwww:x:33:33::/:/bin/false\n");
    assertEquals("root", names.get(0L));
    assertEquals("www", names.get(33L));
  }
}
