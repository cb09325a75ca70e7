package dev.skiff.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * ID-range allocations (per container for --userns=auto, and the root-mode default range). A
 * container's allocation is owned by {@link #containerOwner(String)}; it is inserted in the same
 * transaction as the container's row ({@link ContainerStore#insertWithAllocation}) and deleted with
 * it by the {@code containers_free_id_allocation} trigger (migration 2), so no path that removes a
 * container can leak its range.
 */
public final class IdAllocationStore {

  /** One allocation: {@code size} uids from {@code uidStart} and gids from {@code gidStart}. */
  public record Allocation(String owner, long uidStart, long gidStart, long size) {}

  private final Database db;

  public IdAllocationStore(Database db) {
    this.db = db;
  }

  /** The owner key of a container's {@code --userns=auto} allocation. */
  public static String containerOwner(String containerId) {
    return "container:" + containerId;
  }

  public Optional<Allocation> get(String owner) {
    return all().stream().filter(a -> a.owner().equals(owner)).findFirst();
  }

  public List<Allocation> all() {
    return db.withConnection(c -> {
      List<Allocation> out = new ArrayList<>();
      try (var rs = c.createStatement().executeQuery("SELECT owner, uid_start, gid_start, size FROM id_allocations")) {
        while (rs.next()) {
          out.add(new Allocation(rs.getString(1), rs.getLong(2), rs.getLong(3), rs.getLong(4)));
        }
      }
      return out;
    });
  }

  /** Records an allocation; false when the owner already has one. */
  public boolean put(String owner, long uidStart, long gidStart, long size) {
    return db.inTransaction(c -> put(c, new Allocation(owner, uidStart, gidStart, size)));
  }

  /** Records an allocation within a caller's transaction; false when the owner already has one. */
  static boolean put(Connection c, Allocation a) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(
        "INSERT INTO id_allocations(owner, uid_start, gid_start, size) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING")) {
      ps.setString(1, a.owner());
      ps.setLong(2, a.uidStart());
      ps.setLong(3, a.gidStart());
      ps.setLong(4, a.size());
      return ps.executeUpdate() == 1;
    }
  }

  public boolean remove(String owner) {
    return db.inTransaction(c -> {
      try (PreparedStatement ps = c.prepareStatement("DELETE FROM id_allocations WHERE owner = ?")) {
        ps.setString(1, owner);
        return ps.executeUpdate() == 1;
      }
    });
  }
}
