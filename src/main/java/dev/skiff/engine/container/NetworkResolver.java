package dev.skiff.engine.container;

import dev.skiff.engine.InvalidArgumentException;
import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Resolves a create request's network part: the mode, the slirp4netns options, and the published
 * ports, with a concrete host port for every "choose one" (chosen at create, as podman does, so
 * inspect shows them and they stay across restarts of the container and the daemon).
 */
public final class NetworkResolver {

  /** Chooses a free host port for a protocol on an address. */
  @FunctionalInterface
  public interface PortChooser {
    int choose(String protocol, String hostIp);
  }

  /** The resolved network and the warnings for the client. */
  public record Resolved(ContainerSpec.Network network, List<String> warnings) {}

  public static final String SLIRP = "slirp4netns";
  static final String DISCARDED = "Port mappings have been discarded as one of the Host, Container, Pod, and None"
      + " network modes are in use";
  private static final Pattern IPV4 = Pattern.compile("(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)(\\.(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)){3}");
  private static final Set<String> OPTIONS = Set.of("allow_host_loopback", "mtu", "cidr", "port_handler",
      "enable_ipv6", "outbound_addr", "outbound_addr6");

  private NetworkResolver() {}

  /**
   * @param imageExposed the image's ExposedPorts keys ("80/tcp"), for publish-all
   * @param unprivilegedPortStart net.ipv4.ip_unprivileged_port_start for a rootless daemon, 0 as root
   */
  public static Resolved resolve(ContainerSpec.Network n, Set<String> imageExposed, int unprivilegedPortStart,
      PortChooser chooser) {
    List<String> warnings = new ArrayList<>();
    String mode = switch (n.mode()) {
      case "", "default", SLIRP -> SLIRP;
      case "bridge" -> {
        warnings.add("skiffd has no bridge networks: the container uses slirp4netns (its own network namespace with"
            + " user-mode networking)");
        yield SLIRP;
      }
      case "none", "private", "host" -> n.mode();
      default -> throw new InvalidArgumentException("network mode \"" + n.mode() + "\" is not supported: use"
          + " slirp4netns (the default), none (loopback only) or host");
    };
    if (!mode.equals(SLIRP)) {
      if (!n.options().isEmpty()) {
        throw new InvalidArgumentException("network options " + n.options() + " apply to slirp4netns only, not to"
            + " network mode " + mode);
      }
      if (!n.ports().isEmpty() || n.publishAll()) {
        warnings.add(DISCARDED);
      }
      return new Resolved(new ContainerSpec.Network(mode, List.of(), List.of(), false, List.of()), warnings);
    }
    slirpOptions(n.options());
    List<PortMapping> wanted = new ArrayList<>(n.ports());
    if (n.publishAll()) {
      Set<String> exposed = new LinkedHashSet<>(imageExposed);
      exposed.addAll(n.exposed());
      for (String key : exposed) {
        PortMapping e = PortMapping.exposed(key);
        if (wanted.stream().noneMatch(p -> p.containerPort() == e.containerPort() && p.protocol().equals(e.protocol()))) {
          wanted.add(e);
        }
      }
    }
    List<PortMapping> out = new ArrayList<>();
    for (PortMapping p : wanted) {
      checkAddress(p.hostIp());
      if (p.hostPort() != 0 && p.hostPort() < unprivilegedPortStart) {
        throw new InvalidArgumentException("a rootless skiffd cannot publish host port " + p.hostPort() + " (ports"
            + " below net.ipv4.ip_unprivileged_port_start=" + unprivilegedPortStart + " need root)");
      }
      PortMapping r = p;
      for (int attempt = 0; r.hostPort() == 0; attempt++) {
        int port = chooser.choose(p.protocol(), p.hostIp());
        PortMapping candidate = p.withHostPort(port);
        if (attempt > 20 || out.stream().noneMatch(o -> clash(o, candidate))) {
          r = candidate;
        }
      }
      for (PortMapping o : out) {
        if (clash(o, r)) {
          throw new InvalidArgumentException("host port " + r.hostPort() + "/" + r.protocol() + " on " + r.hostIp()
              + " is published twice (container ports " + o.containerPort() + " and " + r.containerPort() + ")");
        }
      }
      out.add(r);
    }
    return new Resolved(new ContainerSpec.Network(SLIRP, out, n.options(), false, List.of()), warnings);
  }

  /** The slirp4netns options as a map, checked: unknown keys and what Skiff cannot do are errors. */
  public static Map<String, String> slirpOptions(List<String> options) {
    Map<String, String> m = new java.util.LinkedHashMap<>();
    for (String o : options) {
      int eq = o.indexOf('=');
      String k = eq < 0 ? o : o.substring(0, eq);
      String v = eq < 0 ? "" : o.substring(eq + 1);
      if (!OPTIONS.contains(k)) {
        throw new InvalidArgumentException("unknown slirp4netns option \"" + o + "\" (known: allow_host_loopback, mtu,"
            + " cidr, port_handler, enable_ipv6)");
      }
      switch (k) {
        case "allow_host_loopback", "enable_ipv6" -> {
          if (!v.equals("true") && !v.equals("false")) {
            throw new InvalidArgumentException("slirp4netns option " + k + " must be true or false, not \"" + v + "\"");
          }
          if (k.equals("enable_ipv6") && v.equals("true")) {
            throw new InvalidArgumentException("slirp4netns option enable_ipv6=true is not supported by skiffd yet");
          }
        }
        case "mtu" -> {
          int mtu;
          try {
            mtu = Integer.parseInt(v);
          } catch (NumberFormatException e) {
            mtu = -1;
          }
          if (mtu < 576 || mtu > 65521) {
            throw new InvalidArgumentException("slirp4netns option mtu=" + v + " must be a number from 576 to 65521");
          }
        }
        case "cidr" -> {
          String[] p = v.split("/", -1);
          if (p.length != 2 || !IPV4.matcher(p[0]).matches() || !p[1].matches("\\d{1,2}")
              || Integer.parseInt(p[1]) > 25 || Integer.parseInt(p[1]) < 8) {
            throw new InvalidArgumentException("slirp4netns option cidr=" + v + " must be an IPv4 network a.b.c.d/N"
                + " with N from 8 to 25");
          }
        }
        case "port_handler" -> {
          if (!v.equals(SLIRP)) {
            throw new InvalidArgumentException("port_handler=" + v + " is not supported: skiffd forwards ports with"
                + " slirp4netns (port_handler=slirp4netns)");
          }
        }
        default -> throw new InvalidArgumentException("slirp4netns option " + k + " is not supported by skiffd yet");
      }
      m.put(k, v);
    }
    return m;
  }

  private static boolean clash(PortMapping a, PortMapping b) {
    return a.hostPort() == b.hostPort() && a.protocol().equals(b.protocol())
        && (a.hostIp().equals(b.hostIp()) || a.hostIp().equals(PortMapping.ANY_ADDRESS)
            || b.hostIp().equals(PortMapping.ANY_ADDRESS));
  }

  private static void checkAddress(String ip) {
    if (ip.contains(":")) {
      throw new InvalidArgumentException("host address " + ip + ": publishing on IPv6 addresses is not supported"
          + " (slirp4netns forwards IPv4 here)");
    }
    if (!IPV4.matcher(ip).matches()) {
      throw new InvalidArgumentException("invalid host address \"" + ip + "\" for a published port");
    }
  }

  /** Asks the kernel for a free port by binding port 0 on the address (then closing it). */
  public static int freePort(String protocol, String hostIp) {
    try {
      InetSocketAddress a = new InetSocketAddress(InetAddress.getByName(hostIp), 0);
      if (protocol.equals("udp")) {
        try (DatagramSocket s = new DatagramSocket(a)) {
          return s.getLocalPort();
        }
      }
      try (ServerSocket s = new ServerSocket()) {
        s.bind(a);
        return s.getLocalPort();
      }
    } catch (IOException e) {
      throw new InvalidArgumentException("cannot choose a free " + protocol + " port on " + hostIp + ": "
          + e.getMessage());
    }
  }
}
