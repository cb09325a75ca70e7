package dev.skiff.api;

import dev.skiff.config.SkiffConfig;
import io.quarkus.vertx.http.DomainSocketServerStart;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.ObservesAsync;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.attribute.PosixFilePermissions;
import org.jboss.logging.Logger;

/**
 * Once the API socket listens, makes it owner-only (0600): the launcher's umask 077 leaves it 0700.
 * Until then it sits in a 0700 directory, so nobody else can reach it either way.
 */
@ApplicationScoped
public class SocketPermissions {

  private static final Logger LOG = Logger.getLogger(SocketPermissions.class);

  void restrict(@ObservesAsync DomainSocketServerStart start, SkiffConfig config) {
    try {
      Files.setPosixFilePermissions(config.socket(), PosixFilePermissions.fromString("rw-------"));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot restrict permissions of " + config.socket(), e);
    }
    LOG.infof("skiffd %s serving on unix:%s", dev.skiff.config.BuildInfo.current().version(), config.socket());
  }
}
