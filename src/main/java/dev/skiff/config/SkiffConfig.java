package dev.skiff.config;

import io.quarkus.runtime.configuration.MemorySize;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import io.smallrye.config.WithName;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/** The daemon's typed configuration; {@link DaemonOptions} fills it from the command line. */
@ConfigMapping(prefix = "skiff")
public interface SkiffConfig {

  /** The API unix socket. */
  Path socket();

  /** Persistent data directory (store, images, containers). */
  Path root();

  /** Runtime directory (socket, per-container runtime files, locks). */
  Path runroot();

  /** True when the daemon runs as a non-root user. */
  @WithDefault("true")
  boolean rootless();

  /** The uid that owns this daemon; only it and root may use the API. */
  @WithName("owner-uid")
  long ownerUid();

  /** Loopback HOST:PORT for an extra Prometheus listener. */
  @WithName("metrics-address")
  Optional<String> metricsAddress();

  /** Accept a non-loopback {@link #metricsAddress()} (an IP address; {@code --metrics-allow-remote}). */
  @WithName("metrics-allow-remote")
  @WithDefault("false")
  boolean metricsAllowRemote();

  /** The skiff-shim binary; when absent it is looked for next to the daemon. */
  Optional<Path> shim();

  /** Log level of the daemon's own categories (also applied through quarkus.log.*). */
  @WithName("log-level")
  @WithDefault("INFO")
  String logLevel();

  /** Subordinate id files (tests point these at copies). */
  @WithName("subuid-file")
  @WithDefault("/etc/subuid")
  Path subuidFile();

  @WithName("subgid-file")
  @WithDefault("/etc/subgid")
  Path subgidFile();

  /** Users (root mode's {@code subids add} checks the user and keeps ranges clear of real IDs). */
  @WithName("passwd-file")
  @WithDefault("/etc/passwd")
  Path passwdFile();

  /** Registries tried, in order, for short image names. */
  @WithName("registries.search")
  @WithDefault("localhost,docker.io")
  List<String> searchRegistries();

  /**
   * Registries reached without TLS verification, falling back to plain HTTP when HTTPS fails
   * ({@code host[:port]} as in image references). A pull's {@code tlsVerify} overrides this.
   */
  @WithName("registries.insecure")
  Optional<List<String>> insecureRegistries();

  /**
   * certs.d directories searched, in order, for {@code <registry>/*.crt} CA certificates. Default:
   * rootless {@code ~/.config/containers/certs.d}, then {@code /etc/containers/certs.d} and
   * {@code /etc/docker/certs.d}.
   */
  @WithName("registries.certs-dirs")
  Optional<List<Path>> registryCertsDirs();

  Api api();

  interface Api {
    /** Largest JSON request body accepted (413 beyond it). */
    @WithName("max-json-body")
    @WithDefault("4M")
    MemorySize maxJsonBody();
  }
}
