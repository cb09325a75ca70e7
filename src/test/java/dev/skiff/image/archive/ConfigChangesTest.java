package dev.skiff.image.archive;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.skiff.image.json.ImageConfig;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ConfigChangesTest {
  private static ImageConfig.Config apply(String... changes) throws Exception {
    return ConfigChanges.apply(ImageConfig.Config.EMPTY, List.of(changes));
  }

  @Test
  void apply_cmdJsonAndShellForms() throws Exception {
    assertEquals(List.of("/bin/sh", "-c", "echo a  b"), apply("CMD echo a  b").cmd());
    assertEquals(List.of("echo", "a b"), apply("cmd [\"echo\", \"a b\"]").cmd());
    assertEquals(List.of("/entry"), apply("ENTRYPOINT [\"/entry\"]").entrypoint());
  }

  @Test
  void apply_envFormsAndOverride() throws Exception {
    assertEquals(List.of("A=2", "B=x y"), apply("ENV A=1 B=\"x y\"", "ENV A 2").env().stream().sorted().toList());
  }

  @Test
  void apply_labelsPortsUserWorkdirVolumeStopsignal() throws Exception {
    ImageConfig.Config c = apply("LABEL a=b 'c d'=e", "EXPOSE 80 53/udp 8000-8010", "USER 1000:1000",
        "WORKDIR /srv", "VOLUME [\"/data\"]", "STOPSIGNAL SIGINT");
    assertEquals(Map.of("a", "b", "c d", "e"), c.labels());
    assertEquals(java.util.Set.of("80/tcp", "53/udp", "8000-8010/tcp"), c.exposedPorts().keySet());
    assertEquals("1000:1000", c.user());
    assertEquals("/srv", c.workingDir());
    assertEquals(java.util.Set.of("/data"), c.volumes().keySet());
    assertEquals("SIGINT", c.stopSignal());
  }

  @ParameterizedTest
  @ValueSource(strings = {"RUN rm -rf /", "CMD", "EXPOSE 80/icmp", "EXPOSE http", "LABEL novalue",
      "ENV A", "CMD [\"unterminated\"", "LABEL a=\"b"})
  void apply_invalid_rejectedQuotingChange(String change) {
    var e = assertThrows(InvalidConfigChangeException.class, () -> apply(change));
    assertTrue(e.getMessage().contains("\"" + change + "\""), e.getMessage());
  }
}
