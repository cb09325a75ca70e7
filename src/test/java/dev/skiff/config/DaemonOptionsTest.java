package dev.skiff.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Plain JUnit: option parsing is a pure function of (args, env, uid). */
class DaemonOptionsTest {

  static final Path CWD = Path.of("/work");
  static final Map<String, String> ENV = Map.of("XDG_RUNTIME_DIR", "/run/user/1000", "HOME", "/home/u");

  @Test
  void parse_rootlessDefaultsFollowXdg() {
    DaemonOptions o = DaemonOptions.parse(List.of(), ENV, 1000, CWD);
    assertTrue(o.rootless());
    assertEquals(Path.of("/run/user/1000/skiff/skiff.sock"), o.socket());
    assertEquals(Path.of("/run/user/1000/skiff"), o.runroot());
    assertEquals(Path.of("/home/u/.local/share/skiff"), o.root());
    assertEquals("INFO", o.logLevel());
  }

  @Test
  void parse_xdgDataHomeWinsOverHome() {
    var env = Map.of("XDG_RUNTIME_DIR", "/run/user/1000", "HOME", "/home/u", "XDG_DATA_HOME", "/data");
    assertEquals(Path.of("/data/skiff"), DaemonOptions.parse(List.of(), env, 1000, CWD).root());
  }

  @Test
  void parse_rootDefaultsAreSystemPaths() {
    DaemonOptions o = DaemonOptions.parse(List.of(), Map.of(), 0, CWD);
    assertFalse(o.rootless());
    assertEquals(Path.of("/run/skiff/skiff.sock"), o.socket());
    assertEquals(Path.of("/run/skiff"), o.runroot());
    assertEquals(Path.of("/var/lib/skiff"), o.root());
  }

  @Test
  void parse_rootlessWithoutXdgRuntimeDir_isAClearError() {
    var e = assertThrows(DaemonOptionsException.class, () -> DaemonOptions.parse(List.of(), Map.of("HOME", "/h"), 1000, CWD));
    assertTrue(e.getMessage().startsWith("XDG_RUNTIME_DIR is not set"), e.getMessage());
  }

  @Test
  void parse_explicitPathsNeedNoXdg() {
    var o = DaemonOptions.parse(List.of("--socket", "s.sock", "--runroot=/r", "--root", "/d"), Map.of(), 1000, CWD);
    assertEquals(Path.of("/work/s.sock"), o.socket());
    assertEquals(Path.of("/r"), o.runroot());
    assertEquals(Path.of("/d"), o.root());
  }

  @Test
  void parse_rejectsUnknownOptionsMissingValuesAndBadLevels() {
    assertThrows(DaemonOptionsException.class, () -> DaemonOptions.parse(List.of("--nope"), ENV, 1000, CWD));
    assertThrows(DaemonOptionsException.class, () -> DaemonOptions.parse(List.of("--socket"), ENV, 1000, CWD));
    assertThrows(DaemonOptionsException.class, () -> DaemonOptions.parse(List.of("stray"), ENV, 1000, CWD));
    var e = assertThrows(DaemonOptionsException.class, () -> DaemonOptions.parse(List.of("--log-level", "LOUD"), ENV, 1000, CWD));
    assertTrue(e.getMessage().contains("LOUD"));
    assertEquals("DEBUG", DaemonOptions.parse(List.of("--log-level", "debug"), ENV, 1000, CWD).logLevel());
  }

  @Test
  void asConfigProperties_carriesEverySetting() {
    var o = DaemonOptions.parse(List.of("--metrics-address", "127.0.0.1:9100", "--shim", "/x/shim"), ENV, 1000, CWD);
    var p = o.asConfigProperties();
    assertEquals("127.0.0.1:9100", p.get("skiff.metrics-address"));
    assertEquals("/x/shim", p.get("skiff.shim"));
    assertEquals("1000", p.get("skiff.owner-uid"));
    assertEquals("true", p.get("skiff.rootless"));
    assertEquals(o, DaemonOptions.parse(o.toArgs(), ENV, 1000, CWD));
  }

  @Test
  void metricsAllowRemote_isASwitchThatNeedsAnAddress() {
    var o = DaemonOptions.parse(List.of("--metrics-address", "[10.244.1.7]:9100", "--metrics-allow-remote"), ENV, 0, CWD);
    assertTrue(o.metricsAllowRemote());
    assertEquals("true", o.asConfigProperties().get("skiff.metrics-allow-remote"));
    assertEquals(o, DaemonOptions.parse(o.toArgs(), ENV, 0, CWD));
    assertFalse(DaemonOptions.parse(List.of(), ENV, 0, CWD).asConfigProperties().containsKey("skiff.metrics-allow-remote"));
    var noAddress = assertThrows(DaemonOptionsException.class,
        () -> DaemonOptions.parse(List.of("--metrics-allow-remote"), ENV, 0, CWD));
    assertTrue(noAddress.getMessage().contains("needs --metrics-address"), noAddress.getMessage());
    assertThrows(DaemonOptionsException.class,
        () -> DaemonOptions.parse(List.of("--metrics-address", "10.0.0.1:9100"), ENV, 0, CWD));
    assertThrows(DaemonOptionsException.class,
        () -> DaemonOptions.parse(List.of("--metrics-allow-remote=yes", "--metrics-address", "10.0.0.1:9100"), ENV, 0, CWD));
  }

  @Test
  void help_isRecognised() {
    assertTrue(DaemonOptions.wantsHelp(List.of("--socket", "x", "-h")));
    assertFalse(DaemonOptions.wantsHelp(List.of("--socket", "x")));
  }
}
