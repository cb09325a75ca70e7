package dev.skiff.config;

import java.io.IOException;
import java.io.InputStream;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Properties;

/** Version, build time and commit of this skiffd, written into the jar by the Maven build. */
public record BuildInfo(String version, Instant buildTime, String gitCommit) {

  /** The libpod API version Skiff implements (podman-remote 4.x clients accept ≥ 4.0.0). */
  public static final String LIBPOD_API_VERSION = "4.3.1";

  /** The Docker API version Skiff reports. */
  public static final String DOCKER_API_VERSION = "1.41";

  public static final String DOCKER_MIN_API_VERSION = "1.24";

  public static final String LIBPOD_MIN_API_VERSION = "4.0.0";

  private static final BuildInfo CURRENT = load();

  public static BuildInfo current() {
    return CURRENT;
  }

  private static BuildInfo load() {
    Properties p = new Properties();
    try (InputStream in = BuildInfo.class.getResourceAsStream("/skiff-build.properties")) {
      if (in != null) {
        p.load(in);
      }
    } catch (IOException e) {
      throw new IllegalStateException("cannot read skiff-build.properties", e);
    }
    Instant built;
    try {
      built = Instant.parse(p.getProperty("skiff.build.time", ""));
    } catch (DateTimeParseException e) {
      throw new IllegalStateException("skiff-build.properties has no valid skiff.build.time; rebuild with Maven", e);
    }
    return new BuildInfo(p.getProperty("skiff.version", "0.0.0"), built, p.getProperty("skiff.git.commit", "unknown"));
  }
}
