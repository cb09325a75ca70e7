package dev.skiff.store;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Volumes on disk ({@code <root>/volumes/<name>/_data}) and in the store. The directory is made
 * before the row is committed and removed if the commit fails, so a crash leaves at most an
 * orphan directory, which {@link #create} reuses.
 */
public final class VolumeStore {

  private final Database db;
  private final Path dir;
  private final ObjectMapper json = new ObjectMapper();

  public VolumeStore(Database db, Path root) {
    this.db = db;
    this.dir = root.resolve("volumes");
  }

  public Path mountpoint(String name) {
    return dir.resolve(name).resolve("_data");
  }

  /** Stores the volume; false when the name is taken (nothing changed). */
  public boolean create(VolumeRow v) {
    Path data = Path.of(v.mountpoint());
    try {
      Files.createDirectories(data);
    } catch (IOException e) {
      throw new StoreException("cannot create volume directory " + data + ": " + e.getMessage(), e);
    }
    try {
      return db.inTransaction(c -> insert(c, v));
    } catch (RuntimeException e) {
      deleteTree(dir.resolve(v.name()));
      throw e;
    }
  }

  private boolean insert(Connection c, VolumeRow v) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(
        "INSERT INTO volumes(name, created_at, data) VALUES (?, ?, ?) ON CONFLICT(name) DO NOTHING")) {
      ps.setString(1, v.name());
      ps.setLong(2, v.createdAtMillis());
      ps.setString(3, toJson(v));
      return ps.executeUpdate() == 1;
    }
  }

  public Optional<VolumeRow> get(String name) {
    return db.withConnection(c -> {
      try (PreparedStatement ps = c.prepareStatement("SELECT data FROM volumes WHERE name = ?")) {
        ps.setString(1, name);
        var rs = ps.executeQuery();
        return rs.next() ? Optional.of(fromJson(rs.getString(1))) : Optional.empty();
      }
    });
  }

  public List<VolumeRow> list() {
    return db.withConnection(c -> {
      List<VolumeRow> out = new ArrayList<>();
      try (var rs = c.createStatement().executeQuery("SELECT data FROM volumes ORDER BY created_at, name")) {
        while (rs.next()) {
          out.add(fromJson(rs.getString(1)));
        }
      }
      return out;
    });
  }

  /** A volume's directory (its {@code _data} and anything else the daemon keeps for it). */
  public Path directory(String name) {
    return dir.resolve(name);
  }

  /**
   * Removes the row, then the directory; false when there was no such volume. A directory that
   * cannot be deleted is an UncheckedIOException after the row is gone.
   */
  public boolean remove(String name) {
    boolean removed = db.inTransaction(c -> {
      try (PreparedStatement ps = c.prepareStatement("DELETE FROM volumes WHERE name = ?")) {
        ps.setString(1, name);
        return ps.executeUpdate() == 1;
      }
    });
    if (removed) {
      deleteTree(dir.resolve(name));
    }
    return removed;
  }

  private static void deleteTree(Path p) {
    if (!Files.exists(p)) {
      return;
    }
    try (var walk = Files.walk(p)) {
      for (Path q : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(q);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot remove " + p, e);
    }
  }

  /** A stored volume. */
  public record VolumeRow(String name, String driver, String mountpoint, long createdAtMillis,
      Map<String, String> labels, Map<String, String> options, boolean anonymous) {}

  private String toJson(VolumeRow v) {
    try {
      return json.writeValueAsString(v);
    } catch (JsonProcessingException e) {
      throw new StoreException("cannot encode volume " + v.name(), e);
    }
  }

  private VolumeRow fromJson(String s) {
    try {
      return json.readValue(s, VolumeRow.class);
    } catch (JsonProcessingException e) {
      throw new StoreException("store " + db.file() + " holds an unreadable volume record: " + e.getOriginalMessage(), e);
    }
  }
}
