package dev.skiff.config;

import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * The optional TCP address for Prometheus ({@code HOST:PORT}). Only loopback addresses are
 * accepted: the API's security boundary is the unix socket, and metrics stay on the machine.
 */
public record MetricsAddress(String host, int port) {

  public static MetricsAddress parse(String s) {
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
    if (!isLoopback(host)) {
      throw new DaemonOptionsException(
          "invalid --metrics-address \"" + s + "\": only loopback addresses (127.0.0.0/8, ::1, localhost) are allowed");
    }
    return new MetricsAddress(host, port);
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
