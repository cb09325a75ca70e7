package dev.skiff.config;

import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * The optional TCP address for Prometheus ({@code HOST:PORT}). Only loopback addresses are
 * accepted unless {@code --metrics-allow-remote} is given: the API's security boundary is the unix
 * socket, and metrics stay on the machine by default. With it, any IP literal is accepted (a
 * Kubernetes pod's own address, for a Prometheus elsewhere in the cluster); names still are not.
 */
public record MetricsAddress(String host, int port) {

  /** Loopback addresses only. */
  public static MetricsAddress parse(String s) {
    return parse(s, false);
  }

  /** Loopback addresses, or any IP literal when {@code allowRemote}. */
  public static MetricsAddress parse(String s, boolean allowRemote) {
    int colon = s.lastIndexOf(':');
    if (colon <= 0 || colon == s.length() - 1) {
      throw new DaemonOptionsException("invalid --metrics-address \"" + s + "\": expected HOST:PORT");
    }
    String host = s.substring(0, colon);
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    }
    int port;
    try {
      port = Integer.parseInt(s.substring(colon + 1));
    } catch (NumberFormatException e) {
      throw new DaemonOptionsException("invalid --metrics-address \"" + s + "\": port is not a number");
    }
    if (port < 1 || port > 65535) {
      throw new DaemonOptionsException("invalid --metrics-address \"" + s + "\": port out of range");
    }
    if (allowRemote && !host.equals("localhost") && !isIpLiteral(host)) {
      throw new DaemonOptionsException(
          "invalid --metrics-address \"" + s + "\": give an IP address (names are not resolved)");
    }
    if (!allowRemote && !isLoopback(host)) {
      throw new DaemonOptionsException("invalid --metrics-address \"" + s
          + "\": only loopback addresses (127.0.0.0/8, ::1, localhost) are allowed without --metrics-allow-remote");
    }
    return new MetricsAddress(host, port);
  }

  /** A dotted-quad IPv4 or an IPv6 literal; never anything {@link InetAddress} would look up. */
  private static boolean isIpLiteral(String host) {
    if (host.matches("[0-9]{1,3}(\\.[0-9]{1,3}){3}")) {
      for (String octet : host.split("\\.")) {
        if (Integer.parseInt(octet) > 255) {
          return false;
        }
      }
      return true;
    }
    if (!host.contains(":") || !host.matches("[0-9a-fA-F:.]+")) {
      return false;
    }
    try { // with a colon this is parsed as an IPv6 literal, never resolved
      InetAddress.getByName(host);
      return true;
    } catch (UnknownHostException e) {
      return false;
    }
  }

  private static boolean isLoopback(String host) {
    if (host.equals("localhost")) {
      return true;
    }
    if (!host.matches("[0-9.]+|[0-9a-fA-F:]+")) {
      return false; // never resolve names through DNS here
    }
    try {
      return InetAddress.getByName(host).isLoopbackAddress();
    } catch (UnknownHostException e) {
      return false;
    }
  }
}
