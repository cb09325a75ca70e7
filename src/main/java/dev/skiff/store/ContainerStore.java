package dev.skiff.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Containers in the store: one row each with the columns queries need and the engine's record as
 * opaque JSON ({@link ContainerRow#data}); names are unique.
 */
public final class ContainerStore {

  /** A stored container. {@code data} is the engine's JSON encoding of the whole record. */
  public record ContainerRow(String id, String name, String imageId, String state, long createdAtMillis, String data) {}

  private final Database db;

  public ContainerStore(Database db) {
    this.db = db;
  }

  /** Inserts a new container; false when the name is taken. */
  public boolean insert(ContainerRow c) {
    return db.inTransaction(conn -> insert(conn, c));
  }

  /** Inserts within a caller's transaction (e.g. together with an ID allocation). */
  public boolean insert(Connection conn, ContainerRow c) throws SQLException {
    try (PreparedStatement ps = conn.prepareStatement(
        "INSERT INTO containers(id, name, image_id, state, created_at, data) VALUES (?, ?, ?, ?, ?, ?) "
            + "ON CONFLICT DO NOTHING")) {
      ps.setString(1, c.id());
      ps.setString(2, c.name());
      ps.setString(3, c.imageId());
      ps.setString(4, c.state());
      ps.setLong(5, c.createdAtMillis());
      ps.setString(6, c.data());
      return ps.executeUpdate() == 1;
    }
  }

  /**
   * Inserts a new container together with its ID-range allocation, in one transaction; false (and
   * nothing stored) when the name is taken.
   */
  public boolean insertWithAllocation(ContainerRow c, IdAllocationStore.Allocation allocation) {
    return db.inTransaction(conn -> {
      if (!insert(conn, c)) {
        return false;
      }
      if (!IdAllocationStore.put(conn, allocation)) {
        throw new StoreException("ID allocation owner " + allocation.owner() + " already exists", null);
      }
      return true;
    });
  }

  /** Replaces the stored record (same id); false when it no longer exists or the new name is taken. */
  public boolean update(ContainerRow c) {
    return db.withConnection(conn -> {
      try (PreparedStatement ps = conn.prepareStatement(
          "UPDATE OR IGNORE containers SET name = ?, state = ?, data = ? WHERE id = ?")) {
        ps.setString(1, c.name());
        ps.setString(2, c.state());
        ps.setString(3, c.data());
        ps.setString(4, c.id());
        return ps.executeUpdate() == 1;
      }
    });
  }

  public boolean delete(String id) {
    return db.inTransaction(conn -> {
      try (PreparedStatement ps = conn.prepareStatement("DELETE FROM containers WHERE id = ?")) {
        ps.setString(1, id);
        return ps.executeUpdate() == 1;
      }
    });
  }

  public Optional<ContainerRow> byId(String id) {
    return one("SELECT id, name, image_id, state, created_at, data FROM containers WHERE id = ?", id);
  }

  public Optional<ContainerRow> byName(String name) {
    return one("SELECT id, name, image_id, state, created_at, data FROM containers WHERE name = ?", name);
  }

  /** Containers whose id starts with {@code prefix} (for short-id lookups). */
  public List<ContainerRow> byIdPrefix(String prefix) {
    return many("SELECT id, name, image_id, state, created_at, data FROM containers WHERE id >= ? AND id < ? ORDER BY id", prefix, prefix + "\uffff");
  }

  public List<ContainerRow> all() {
    return many("SELECT id, name, image_id, state, created_at, data FROM containers ORDER BY created_at DESC, id");
  }

  public long countUsingImage(String imageId) {
    return db.withConnection(c -> {
      try (PreparedStatement ps = c.prepareStatement("SELECT count(*) FROM containers WHERE image_id = ?")) {
        ps.setString(1, imageId);
        var rs = ps.executeQuery();
        return rs.next() ? rs.getLong(1) : 0L;
      }
    });
  }

  private Optional<ContainerRow> one(String sql, String arg) {
    List<ContainerRow> l = many(sql, arg);
    return l.isEmpty() ? Optional.empty() : Optional.of(l.get(0));
  }

  private List<ContainerRow> many(String sql, String... args) {
    return db.withConnection(c -> {
      try (PreparedStatement ps = c.prepareStatement(sql)) {
        for (int i = 0; i < args.length; i++) {
          ps.setString(i + 1, args[i]);
        }
        var rs = ps.executeQuery();
        List<ContainerRow> out = new ArrayList<>();
        while (rs.next()) {
          out.add(new ContainerRow(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getLong(5),
              rs.getString(6)));
        }
        return out;
      }
    });
  }

}
