package dev.skiff.store;

import dev.skiff.config.SkiffConfig;
import io.quarkus.runtime.Startup;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.HashMap;
import java.util.Map;

/**
 * The daemon's store, opened eagerly at startup so that a store that cannot be opened stops the
 * daemon before its socket serves anything.
 */
@Startup
@ApplicationScoped
public class Store {

  private final Database db;
  private final java.nio.file.Path root;

  public Store(SkiffConfig config) {
    this.root = config.root();
    this.db = Database.open(root);
  }

  /** The daemon's persistent data directory. */
  public java.nio.file.Path root() {
    return root;
  }

  public Database database() {
    return db;
  }

  /** Cheap liveness query for readiness checks. */
  public boolean isOpen() {
    return db.withConnection(c -> {
      try (var rs = c.createStatement().executeQuery("SELECT 1")) {
        return rs.next();
      }
    });
  }

  public ContainerCounts containerCounts() {
    return db.withConnection(c -> {
      Map<String, Long> m = new HashMap<>();
      try (var rs = c.createStatement().executeQuery("SELECT state, count(*) FROM containers GROUP BY state")) {
        while (rs.next()) {
          m.put(rs.getString(1), rs.getLong(2));
        }
      }
      return new ContainerCounts(m);
    });
  }

  public long imageCount() {
    return db.withConnection(c -> {
      try (var rs = c.createStatement().executeQuery("SELECT count(*) FROM images")) {
        return rs.next() ? rs.getLong(1) : 0L;
      }
    });
  }

  @PreDestroy
  void close() {
    db.close();
  }
}
