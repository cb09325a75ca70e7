package dev.skiff.engine.container;

import dev.skiff.engine.InvalidArgumentException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * One published port: connections to {@code hostIp:hostPort} on the host reach {@code containerPort}
 * in the container. {@code hostPort} 0 means "choose one" until the container is created.
 *
 * @param hostIp an IPv4 address, "0.0.0.0" for every address
 * @param protocol tcp or udp
 */
public record PortMapping(String hostIp, int hostPort, int containerPort, String protocol) {

  public static final String ANY_ADDRESS = "0.0.0.0";

  public PortMapping {
    hostIp = hostIp == null || hostIp.isEmpty() ? ANY_ADDRESS : hostIp;
    protocol = protocol == null || protocol.isEmpty() ? "tcp" : protocol.toLowerCase(Locale.ROOT);
  }

  /** The Docker key of the container side: "80/tcp". */
  public String key() {
    return containerPort + "/" + protocol;
  }

  public PortMapping withHostPort(int port) {
    return new PortMapping(hostIp, port, containerPort, protocol);
  }

  /**
   * Podman's {@code portmappings} entry: {@code range} consecutive ports from both starts, and a
   * protocol list such as "tcp,udp" (empty = tcp). Checks the numbers and the protocols.
   */
  public static List<PortMapping> fromPodman(String hostIp, long containerPort, long hostPort, long range,
      String protocols) {
    long n = range <= 0 ? 1 : range;
    checkPort("container port", containerPort, false);
    checkPort("host port", hostPort, true);
    if (containerPort + n - 1 > 65535 || (hostPort > 0 && hostPort + n - 1 > 65535)) {
      throw new InvalidArgumentException("port range of " + n + " from " + containerPort + " (host " + hostPort
          + ") goes past 65535");
    }
    List<PortMapping> out = new ArrayList<>();
    for (String proto : (protocols == null || protocols.isBlank() ? "tcp" : protocols).split(",")) {
      String p = checkProtocol(proto.trim());
      for (int i = 0; i < n; i++) {
        out.add(new PortMapping(hostIp, hostPort == 0 ? 0 : (int) hostPort + i, (int) containerPort + i, p));
      }
    }
    return out;
  }

  /**
   * Docker's {@code PortBindings} entry: key "80/tcp" (or "80"), binding {@code HostIp},
   * {@code HostPort} ("" = choose one; "8080-8081" a range as long as the container side's).
   */
  public static List<PortMapping> fromDocker(String key, String hostIp, String hostPort) {
    int slash = key.indexOf('/');
    String proto = checkProtocol(slash < 0 ? "tcp" : key.substring(slash + 1));
    long[] c = range(slash < 0 ? key : key.substring(0, slash), "container port");
    long[] h = hostPort == null || hostPort.isEmpty() ? new long[] {0, 0} : range(hostPort, "host port");
    long n = c[1] - c[0] + 1;
    if (h[0] != 0 && h[1] - h[0] + 1 != n && h[0] != h[1]) {
      throw new InvalidArgumentException("host port range " + hostPort + " and container port range " + key
          + " differ in length");
    }
    List<PortMapping> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      int hp = h[0] == 0 ? 0 : (int) (h[0] == h[1] ? h[0] : h[0] + i);
      out.add(new PortMapping(hostIp, hp, (int) c[0] + i, proto));
    }
    return out;
  }

  /** "80", "80/tcp", "53/udp" as the image's or the request's exposed ports name them. */
  public static PortMapping exposed(String key) {
    int slash = key.indexOf('/');
    long[] c = range(slash < 0 ? key : key.substring(0, slash), "exposed port");
    if (c[0] != c[1]) {
      throw new InvalidArgumentException("exposed port \"" + key + "\" is a range; publish it with -p instead");
    }
    return new PortMapping("", 0, (int) c[0], checkProtocol(slash < 0 ? "tcp" : key.substring(slash + 1)));
  }

  private static long[] range(String s, String what) {
    String[] parts = s.trim().split("-", -1);
    if (parts.length > 2) {
      throw new InvalidArgumentException("invalid " + what + " \"" + s + "\"");
    }
    long[] r = new long[2];
    for (int i = 0; i < 2; i++) {
      String p = parts[Math.min(i, parts.length - 1)];
      try {
        r[i] = Long.parseLong(p);
      } catch (NumberFormatException e) {
        throw new InvalidArgumentException("invalid " + what + " \"" + s + "\": not a number");
      }
      checkPort(what, r[i], false);
    }
    if (r[1] < r[0]) {
      throw new InvalidArgumentException("invalid " + what + " range \"" + s + "\": end before start");
    }
    return r;
  }

  private static void checkPort(String what, long p, boolean zeroOk) {
    if (p < (zeroOk ? 0 : 1) || p > 65535) {
      throw new InvalidArgumentException("invalid " + what + " " + p + ": must be 1-65535");
    }
  }

  private static String checkProtocol(String p) {
    String l = p.isEmpty() ? "tcp" : p.toLowerCase(Locale.ROOT);
    if (l.equals("tcp") || l.equals("udp")) {
      return l;
    }
    if (l.equals("sctp")) {
      throw new InvalidArgumentException("publishing sctp ports is not supported: slirp4netns forwards tcp and udp only");
    }
    throw new InvalidArgumentException("unknown port protocol \"" + p + "\": use tcp or udp");
  }
}
