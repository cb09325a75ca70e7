package dev.skiff.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

class UsernsModeTest {

  @Test
  void parse_simpleModes() {
    assertInstanceOf(UsernsMode.Default.class, UsernsMode.parse(""));
    assertInstanceOf(UsernsMode.Default.class, UsernsMode.parse(null));
    assertInstanceOf(UsernsMode.Host.class, UsernsMode.parse("host"));
    assertInstanceOf(UsernsMode.Private.class, UsernsMode.parse("private"));
    assertInstanceOf(UsernsMode.NoMap.class, UsernsMode.parse("nomap"));
    assertEquals(new UsernsMode.Path("/proc/42/ns/user"), UsernsMode.parse("ns:/proc/42/ns/user"));
  }

  @Test
  void parse_keepId_withOptions() {
    assertEquals(
        new UsernsMode.KeepId(OptionalLong.empty(), OptionalLong.empty()),
        UsernsMode.parse("keep-id"));
    assertEquals(
        new UsernsMode.KeepId(OptionalLong.of(1000), OptionalLong.of(100)),
        UsernsMode.parse("keep-id:uid=1000,gid=100"));
  }

  @Test
  void parse_auto_withOptions() {
    UsernsMode mode = UsernsMode.parse("auto:size=2048,uidmapping=0:10:1,gidmapping=0:20:1");
    UsernsMode.Auto auto = assertInstanceOf(UsernsMode.Auto.class, mode);
    assertEquals(OptionalLong.of(2048), auto.size());
    assertEquals(List.of(IdMapping.of(0, 10, 1)), auto.uidMappings());
    assertEquals(List.of(IdMapping.of(0, 20, 1)), auto.gidMappings());
    assertEquals(2048L, mode.autoSize().orElseThrow());
  }

  @Test
  void parse_errors_quoteValue() {
    for (String bad :
        List.of(
            "bogus",
            "host:x=1",
            "keep-id:uid=abc",
            "keep-id:foo=1",
            "auto:size=0",
            "auto:size",
            "ns:relative",
            "nomap:uid=1")) {
      InvalidSecuritySettingException e =
          assertThrows(InvalidSecuritySettingException.class, () -> UsernsMode.parse(bad), bad);
      assertTrue(e.getMessage().contains("\"" + bad + "\""), e.getMessage());
    }
  }
}
