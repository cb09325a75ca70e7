package dev.skiff.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class MetricsAddressTest {

  @Test
  void parse_acceptsLoopbackOnly() {
    assertEquals(new MetricsAddress("127.0.0.1", 9100), MetricsAddress.parse("127.0.0.1:9100"));
    assertEquals(new MetricsAddress("127.3.2.1", 1), MetricsAddress.parse("127.3.2.1:1"));
    assertEquals(new MetricsAddress("::1", 9100), MetricsAddress.parse("[::1]:9100"));
    assertEquals(new MetricsAddress("localhost", 80), MetricsAddress.parse("localhost:80"));
  }

  @Test
  void parse_rejectsPublicAddressesNamesAndBadPorts() {
    for (String bad : new String[] {"0.0.0.0:9100", "10.0.0.1:9100", "example.org:80", "127.0.0.1", "127.0.0.1:0",
        "127.0.0.1:70000", "127.0.0.1:x", ":9100"}) {
      assertThrows(DaemonOptionsException.class, () -> MetricsAddress.parse(bad), bad);
    }
  }

  @Test
  void parse_acceptsAnyIpLiteralOnlyWhenRemoteIsAllowed() {
    assertEquals(new MetricsAddress("10.244.1.7", 9100), MetricsAddress.parse("[10.244.1.7]:9100", true));
    assertEquals(new MetricsAddress("0.0.0.0", 9100), MetricsAddress.parse("0.0.0.0:9100", true));
    assertEquals(new MetricsAddress("fd00::7", 9100), MetricsAddress.parse("[fd00::7]:9100", true));
    assertEquals(new MetricsAddress("127.0.0.1", 9100), MetricsAddress.parse("127.0.0.1:9100", true));
    var e = assertThrows(DaemonOptionsException.class, () -> MetricsAddress.parse("10.244.1.7:9100"));
    assertTrue(e.getMessage().contains("without --metrics-allow-remote"), e.getMessage());
  }

  @Test
  void parse_neverResolvesNamesEvenWhenRemoteIsAllowed() {
    for (String bad : new String[] {"example.org:80", "999.1.1.1:80", "1.2.3:80", "[]:80", "10.0.0.1:0", "fd00::zz:80"}) {
      var e = assertThrows(DaemonOptionsException.class, () -> MetricsAddress.parse(bad, true), bad);
      assertTrue(e.getMessage().contains(bad), e.getMessage());
    }
  }
}
