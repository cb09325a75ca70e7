package dev.skiff.engine.container;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.skiff.engine.InvalidArgumentException;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class NetworkResolverTest {

  private final AtomicInteger next = new AtomicInteger(40000);
  private final NetworkResolver.PortChooser chooser = (proto, ip) -> next.getAndIncrement();

  private NetworkResolver.Resolved resolve(ContainerSpec.Network n, int unprivilegedStart) {
    return NetworkResolver.resolve(n, Set.of("9000/tcp", "53/udp"), unprivilegedStart, chooser);
  }

  private static ContainerSpec.Network net(String mode, List<PortMapping> ports) {
    return new ContainerSpec.Network(mode, ports, List.of(), false, List.of());
  }

  @Test
  void defaultAndBridge_areSlirp4netns() {
    assertEquals("slirp4netns", resolve(net("", List.of()), 0).network().mode());
    var bridge = resolve(net("bridge", List.of()), 0);
    assertEquals("slirp4netns", bridge.network().mode());
    assertTrue(bridge.warnings().get(0).contains("no bridge networks"), bridge.warnings().toString());
  }

  @Test
  void randomHostPorts_areChosen_andFixedOnesKept() {
    var r = resolve(net("", List.of(new PortMapping("", 0, 80, "tcp"), new PortMapping("127.0.0.1", 8080, 81, ""))), 0);
    assertEquals(List.of(new PortMapping("0.0.0.0", 40000, 80, "tcp"), new PortMapping("127.0.0.1", 8080, 81, "tcp")),
        r.network().ports());
  }

  @Test
  void lowHostPorts_areRefusedRootless_only() {
    var low = net("", List.of(new PortMapping("", 80, 80, "tcp")));
    var e = assertThrows(InvalidArgumentException.class, () -> resolve(low, 1024));
    assertTrue(e.getMessage().contains("ip_unprivileged_port_start=1024"), e.getMessage());
    assertEquals(80, resolve(low, 0).network().ports().get(0).hostPort());
  }

  @Test
  void clashes_areRefused_butDifferentProtocolsOrAddressesAreFine() {
    assertThrows(InvalidArgumentException.class, () -> resolve(net("", List.of(new PortMapping("", 8080, 80, "tcp"),
        new PortMapping("127.0.0.1", 8080, 81, "tcp"))), 0));
    assertEquals(2, resolve(net("", List.of(new PortMapping("", 8080, 80, "tcp"), new PortMapping("", 8080, 80, "udp"))),
        0).network().ports().size());
    assertEquals(2, resolve(net("", List.of(new PortMapping("127.0.0.1", 8080, 80, "tcp"),
        new PortMapping("127.0.0.2", 8080, 80, "tcp"))), 0).network().ports().size());
  }

  @Test
  void publishAll_takesImageAndRequestExposedPorts_notTwice() {
    var n = new ContainerSpec.Network("", List.of(new PortMapping("", 9999, 9000, "tcp")), List.of(), true,
        List.of("7000/tcp"));
    var ports = resolve(n, 0).network().ports();
    assertEquals(3, ports.size(), ports.toString());
    assertTrue(ports.contains(new PortMapping("", 9999, 9000, "tcp")));
    assertTrue(ports.stream().anyMatch(p -> p.containerPort() == 53 && p.protocol().equals("udp") && p.hostPort() >= 40000));
    assertTrue(ports.stream().anyMatch(p -> p.containerPort() == 7000 && p.hostPort() >= 40000));
  }

  @Test
  void otherModes_discardPortsWithPodmansWarning_andRefuseSlirpOptions() {
    var r = resolve(net("none", List.of(new PortMapping("", 8080, 80, "tcp"))), 0);
    assertEquals(List.of(), r.network().ports());
    assertEquals(List.of(NetworkResolver.DISCARDED), r.warnings());
    assertThrows(InvalidArgumentException.class, () -> resolve(new ContainerSpec.Network("host", List.of(),
        List.of("mtu=1500"), false, List.of()), 0));
    assertThrows(InvalidArgumentException.class, () -> resolve(net("container:x", List.of()), 0));
  }

  @Test
  void slirpOptions_areChecked() {
    assertEquals("1500", NetworkResolver.slirpOptions(List.of("mtu=1500", "allow_host_loopback=true")).get("mtu"));
    for (String bad : List.of("mtu=100", "mtu=x", "cidr=10.0.0.0/30", "cidr=nope", "allow_host_loopback=yes",
        "enable_ipv6=true", "port_handler=rootlesskit", "outbound_addr=1.2.3.4", "bogus=1")) {
      assertThrows(InvalidArgumentException.class, () -> NetworkResolver.slirpOptions(List.of(bad)), bad);
    }
  }

  @Test
  void portMappings_parsePodmanRangesAndDockerKeys() {
    assertEquals(List.of(new PortMapping("", 9000, 90, "tcp"), new PortMapping("", 9001, 91, "tcp"),
        new PortMapping("", 9000, 90, "udp"), new PortMapping("", 9001, 91, "udp")),
        PortMapping.fromPodman("", 90, 9000, 2, "tcp,udp"));
    assertEquals(List.of(new PortMapping("127.0.0.1", 0, 53, "udp")), PortMapping.fromDocker("53/udp", "127.0.0.1", ""));
    assertEquals(List.of(new PortMapping("", 8080, 80, "tcp"), new PortMapping("", 8081, 81, "tcp")),
        PortMapping.fromDocker("80-81/tcp", "", "8080-8081"));
    assertThrows(InvalidArgumentException.class, () -> PortMapping.fromDocker("80-81", "", "8080-8085"));
    assertThrows(InvalidArgumentException.class, () -> PortMapping.fromDocker("x/tcp", "", ""));
    assertThrows(InvalidArgumentException.class, () -> PortMapping.fromPodman("", 65535, 0, 2, ""));
    assertThrows(InvalidArgumentException.class, () -> PortMapping.fromPodman("", 80, 0, 1, "sctp"));
  }
}
