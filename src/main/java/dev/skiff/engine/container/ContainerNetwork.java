package dev.skiff.engine.container;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.skiff.engine.ConflictException;
import dev.skiff.engine.ContainerStateException;
import dev.skiff.runtime.oci.OciSpec;
import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A container's network beyond its namespace: the shim's slirp4netns configuration with the
 * published ports, and the /etc/hosts, /etc/resolv.conf and /etc/hostname it gets (podman's files: generated per
 * container in its bundle and bind-mounted, unless the request mounts something there itself).
 */
public final class ContainerNetwork {

  /** The addresses slirp4netns gives the container with its default 10.0.2.0/24. */
  static final String SLIRP_ADDRESS = "10.0.2.100";
  static final String SLIRP_GATEWAY = "10.0.2.2";
  static final String SLIRP_DNS = "10.0.2.3";

  private final Path runroot;
  private static final ObjectMapper JSON = new ObjectMapper();
  private final Path slirp;
  private final Path hostEtc;

  public ContainerNetwork(Path runroot, Path slirp, Path hostEtc) {
    this.runroot = runroot;
    this.slirp = slirp;
    this.hostEtc = hostEtc;
  }

  static boolean usesSlirp(ContainerRecord c) {
    return c.spec().network().mode().equals(NetworkResolver.SLIRP);
  }

  /**
   * The shim's annotation for a slirp4netns container (src/main/native/network.h): the shim starts
   * slirp4netns for the init's network namespace and adds the port forwards before the init runs,
   * and slirp4netns ends with the shim. Empty for other modes.
   */
  public Map<String, String> annotations(ContainerRecord c) {
    if (!usesSlirp(c)) {
      return Map.of();
    }
    Map<String, String> options = NetworkResolver.slirpOptions(c.spec().network().options());
    ObjectNode conf = JSON.createObjectNode();
    conf.put("path", slirp.toString());
    ArrayNode args = conf.putArray("args");
    args.add("--mtu=" + options.getOrDefault("mtu", "65520"));
    if (!"true".equals(options.get("allow_host_loopback"))) {
      args.add("--disable-host-loopback");
    }
    if (options.containsKey("cidr")) {
      args.add("--cidr=" + options.get("cidr"));
    }
    conf.put("apiSocket", apiSocket(c.id()).toString());
    conf.put("log", apiSocket(c.id()).resolveSibling(shortId(c.id()) + ".log").toString());
    ArrayNode forwards = conf.putArray("forwards");
    for (PortMapping p : c.spec().network().ports()) {
      ObjectNode f = forwards.addObject();
      f.put("proto", p.protocol());
      f.put("host_addr", p.hostIp());
      f.put("host_port", p.hostPort());
      f.put("guest_port", p.containerPort());
    }
    return Map.of("dev.skiff.network.slirp4netns", conf.toString());
  }

  /**
   * Before a start: slirp4netns is there, its directory exists, and every published host port is
   * free now (slirp4netns itself only says "failed" when it cannot listen).
   */
  public void prepare(ContainerRecord c) {
    if (!usesSlirp(c)) {
      return;
    }
    if (!Files.isExecutable(slirp)) {
      throw new ContainerStateException("slirp4netns is not installed (" + slirp + "): install it (apt-get install"
          + " slirp4netns) or run the container with --network none");
    }
    try {
      Files.createDirectories(apiSocket(c.id()).getParent(), java.nio.file.attribute.PosixFilePermissions
          .asFileAttribute(java.nio.file.attribute.PosixFilePermissions.fromString("rwx------")));
    } catch (IOException e) {
      throw new ContainerStateException("cannot create " + apiSocket(c.id()).getParent() + ": " + e.getMessage());
    }
    for (PortMapping p : c.spec().network().ports()) {
      String problem = bindProblem(p);
      // a restart: the previous run's slirp4netns ends with its shim, a moment after the exit
      for (int i = 0; problem != null && i < 40; i++) {
        try {
          Thread.sleep(50);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          break;
        }
        problem = bindProblem(p);
      }
      if (problem != null) {
        throw new ConflictException("cannot publish " + p.hostIp() + ":" + p.hostPort() + "/" + p.protocol()
            + " (container port " + p.containerPort() + "): " + problem, "port is already allocated");
      }
    }
  }

  private static String bindProblem(PortMapping p) {
    try {
      InetSocketAddress a = new InetSocketAddress(InetAddress.getByName(p.hostIp()), p.hostPort());
      if (p.protocol().equals("udp")) {
        try (DatagramSocket s = new DatagramSocket(a)) {
          return null;
        }
      }
      try (ServerSocket s = new ServerSocket()) {
        s.bind(a);
        return null;
      }
    } catch (IOException e) {
      return e.getMessage();
    }
  }

  /** Removes what slirp4netns left in the runroot (it ends with the container's shim). */
  public void down(String id) {
    Path sock = apiSocket(id);
    for (Path p : new Path[] {sock, sock.resolveSibling(shortId(id) + ".log")}) {
      try {
        Files.deleteIfExists(p);
      } catch (IOException ignored) {
        // a leftover in the runroot: cleared at reboot
      }
    }
  }

  /** Short: a unix socket path has 107 bytes at most. */
  Path apiSocket(String id) {
    return runroot.resolve("net").resolve(shortId(id) + ".sock");
  }

  private static String shortId(String id) {
    return id.substring(0, Math.min(24, id.length()));
  }

  /** slirp4netns on the daemon's PATH, else where Debian puts it. */
  public static Path findSlirp() {
    for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(":")) {
      Path p = Path.of(dir.isEmpty() ? "." : dir, "slirp4netns");
      if (Files.isExecutable(p)) {
        return p;
      }
    }
    return Path.of("/usr/bin/slirp4netns");
  }

  /**
   * Writes the container's hosts, resolv.conf and hostname into its bundle directory and returns
   * the bind mounts for them (none for a destination the request mounts itself).
   *
   * @param owner host uid/gid of the container's root (root mode), or null
   */
  public List<OciSpec.Mount> etcFiles(ContainerRecord c, Path bundle, String hostname, List<OciSpec.Mount> mounts,
      long[] owner) {
    String mode = c.spec().network().mode();
    Map<String, String> files = new java.util.LinkedHashMap<>();
    files.put("hostname", hostname + "\n");
    files.put("hosts", hosts(mode, hostname, c.name()));
    files.put("resolv.conf", resolvConf(mode));
    List<OciSpec.Mount> out = new ArrayList<>();
    try {
      for (var e : files.entrySet()) {
        String dest = "/etc/" + e.getKey();
        if (mounts.stream().anyMatch(m -> m.destination().equals(dest) || m.destination().equals("/etc"))) {
          continue;
        }
        Path file = bundle.resolve(e.getKey());
        Files.writeString(file, e.getValue(), StandardCharsets.UTF_8);
        Files.setPosixFilePermissions(file, java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
        if (owner != null) {
          Files.setAttribute(file, "unix:uid", (int) owner[0], LinkOption.NOFOLLOW_LINKS);
          Files.setAttribute(file, "unix:gid", (int) owner[1], LinkOption.NOFOLLOW_LINKS);
        }
        out.add(new OciSpec.Mount(dest, "bind", file.toString(), List.of("bind", "rprivate")));
      }
    } catch (IOException e) {
      throw new ContainerStateException("cannot write the network files of container " + c.id() + ": "
          + e.getMessage());
    }
    return out;
  }

  String hosts(String mode, String hostname, String name) {
    if (mode.equals("host")) {
      return readHost("hosts", "127.0.0.1\tlocalhost\n::1\tlocalhost\n");
    }
    StringBuilder b = new StringBuilder("127.0.0.1\tlocalhost localhost.localdomain\n::1\tlocalhost localhost.localdomain\n");
    if (mode.equals(NetworkResolver.SLIRP)) {
      b.append(SLIRP_ADDRESS).append('\t').append(hostname);
      if (!name.equals(hostname)) {
        b.append(' ').append(name);
      }
      b.append('\n');
      b.append(SLIRP_GATEWAY).append("\thost.containers.internal host.docker.internal\n");
    } else {
      b.append("127.0.1.1\t").append(hostname).append('\n');
    }
    return b.toString();
  }

  /**
   * slirp4netns: its DNS forwarder first, then the host's search and options lines (the host's own
   * nameservers may be loopback addresses the container cannot reach); other modes: the host's.
   */
  String resolvConf(String mode) {
    String host = readHost("resolv.conf", "");
    if (!mode.equals(NetworkResolver.SLIRP)) {
      return host;
    }
    StringBuilder b = new StringBuilder("nameserver ").append(SLIRP_DNS).append('\n');
    for (String line : host.split("\n")) {
      String t = line.trim();
      if (t.startsWith("search ") || t.startsWith("options ")) {
        b.append(t).append('\n');
      }
    }
    return b.toString();
  }

  private String readHost(String file, String fallback) {
    try {
      return Files.readString(hostEtc.resolve(file), StandardCharsets.UTF_8);
    } catch (IOException e) {
      return fallback;
    }
  }
}
