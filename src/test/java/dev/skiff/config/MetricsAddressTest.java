package dev.skiff.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

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
}
