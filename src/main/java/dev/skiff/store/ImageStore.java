package dev.skiff.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Images and their names (tags) in the store. The image itself is the engine's JSON
 * ({@link ImageRow#data}); names are unique and point at one image each.
 */
public final class ImageStore {

  /** A stored image. */
  public record ImageRow(String id, long createdAtMillis, String data) {}

  private final Database db;

  public ImageStore(Database db) {
    this.db = db;
  }

  /**
   * Stores an image (or keeps the existing one with the same id) and points {@code names} at it,
   * moving a name from another image if needed, in one transaction. Returns the names moved away
   * from other images (those images may become dangling).
   */
  public List<String> put(ImageRow image, List<String> names) {
    return db.inTransaction(c -> {
      try (PreparedStatement ps = c.prepareStatement(
          "INSERT INTO images(id, created_at, data) VALUES (?, ?, ?) ON CONFLICT(id) DO NOTHING")) {
        ps.setString(1, image.id());
        ps.setLong(2, image.createdAtMillis());
        ps.setString(3, image.data());
        ps.executeUpdate();
      }
      List<String> moved = new ArrayList<>();
      for (String n : names) {
        if (tag(c, n, image.id())) {
          moved.add(n);
        }
      }
      return moved;
    });
  }

  /** Points {@code name} at {@code imageId}; true when it pointed at another image before. */
  public boolean tag(String name, String imageId) {
    return db.inTransaction(c -> tag(c, name, imageId));
  }

  private static boolean tag(Connection c, String name, String imageId) throws SQLException {
    String before = null;
    try (PreparedStatement ps = c.prepareStatement("SELECT image_id FROM image_names WHERE name = ?")) {
      ps.setString(1, name);
      var rs = ps.executeQuery();
      if (rs.next()) {
        before = rs.getString(1);
      }
    }
    try (PreparedStatement ps = c.prepareStatement(
        "INSERT INTO image_names(name, image_id) VALUES (?, ?) ON CONFLICT(name) DO UPDATE SET image_id = excluded.image_id")) {
      ps.setString(1, name);
      ps.setString(2, imageId);
      ps.executeUpdate();
    }
    return before != null && !before.equals(imageId);
  }

  public boolean untag(String name) {
    return db.inTransaction(c -> {
      try (PreparedStatement ps = c.prepareStatement("DELETE FROM image_names WHERE name = ?")) {
        ps.setString(1, name);
        return ps.executeUpdate() == 1;
      }
    });
  }

  public Optional<ImageRow> byId(String id) {
    List<ImageRow> l = images("SELECT id, created_at, data FROM images WHERE id = ?", id);
    return l.isEmpty() ? Optional.empty() : Optional.of(l.get(0));
  }

  public List<ImageRow> byIdPrefix(String prefix) {
    return images("SELECT id, created_at, data FROM images WHERE id >= ? AND id < ? ORDER BY id", prefix,
        prefix + "\uffff");
  }

  public Optional<String> idOfName(String name) {
    return db.withConnection(c -> {
      try (PreparedStatement ps = c.prepareStatement("SELECT image_id FROM image_names WHERE name = ?")) {
        ps.setString(1, name);
        var rs = ps.executeQuery();
        return rs.next() ? Optional.of(rs.getString(1)) : Optional.empty();
      }
    });
  }

  public List<String> namesOf(String imageId) {
    return db.withConnection(c -> {
      try (PreparedStatement ps = c.prepareStatement("SELECT name FROM image_names WHERE image_id = ? ORDER BY name")) {
        ps.setString(1, imageId);
        var rs = ps.executeQuery();
        List<String> out = new ArrayList<>();
        while (rs.next()) {
          out.add(rs.getString(1));
        }
        return out;
      }
    });
  }

  /** Every image's names in one query (for listing many images), sorted as {@link #namesOf}. */
  public Map<String, List<String>> namesByImage() {
    return db.withConnection(c -> {
      try (PreparedStatement ps = c.prepareStatement("SELECT image_id, name FROM image_names ORDER BY name")) {
        var rs = ps.executeQuery();
        Map<String, List<String>> out = new HashMap<>();
        while (rs.next()) {
          out.computeIfAbsent(rs.getString(1), k -> new ArrayList<>()).add(rs.getString(2));
        }
        return out;
      }
    });
  }

  /** How many containers use each image, in one query (images without containers are absent). */
  public Map<String, Long> containerCountsByImage() {
    return db.withConnection(c -> {
      try (PreparedStatement ps = c.prepareStatement("SELECT image_id, count(*) FROM containers GROUP BY image_id")) {
        var rs = ps.executeQuery();
        Map<String, Long> out = new HashMap<>();
        while (rs.next()) {
          out.put(rs.getString(1), rs.getLong(2));
        }
        return out;
      }
    });
  }

  public List<ImageRow> all() {
    return images("SELECT id, created_at, data FROM images ORDER BY created_at DESC, id");
  }

  /** Deletes the image and its names. */
  public boolean delete(String id) {
    return db.inTransaction(c -> {
      try (PreparedStatement ps = c.prepareStatement("DELETE FROM images WHERE id = ?")) {
        ps.setString(1, id);
        return ps.executeUpdate() == 1;
      }
    });
  }

  private List<ImageRow> images(String sql, String... args) {
    return db.withConnection(c -> {
      try (PreparedStatement ps = c.prepareStatement(sql)) {
        for (int i = 0; i < args.length; i++) {
          ps.setString(i + 1, args[i]);
        }
        var rs = ps.executeQuery();
        List<ImageRow> out = new ArrayList<>();
        while (rs.next()) {
          out.add(new ImageRow(rs.getString(1), rs.getLong(2), rs.getString(3)));
        }
        return out;
      }
    });
  }
}
