package dev.skiff.api;

import dev.skiff.config.SkiffConfig;
import io.quarkus.vertx.http.DomainSocketServerStart;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.attribute.PosixFilePermissions;
import org.jboss.logging.Logger;

/** Once the API socket listens, makes it owner-only (0600) whatever the umask was. */
@ApplicationScoped
public class SocketPermissions {

  private static final Logger LOG = Logger.getLogger(SocketPermissions.class);

  void restrict(@Observes DomainSocketServerStart start, SkiffConfig config) {
    try {
      Files.setPosixFilePermissions(config.socket(), PosixFilePermissions.fromString("rw-------"));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot restrict permissions of " + config.socket(), e);
    }
    LOG.infof("skiffd %s serving on unix:%s", dev.skiff.config.BuildInfo.current().version(), config.socket());
  }
}
