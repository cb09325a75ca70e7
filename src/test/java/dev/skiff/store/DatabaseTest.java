package dev.skiff.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Plain JUnit over a real SQLite file: opening, migrating and refusing bad stores. */
class DatabaseTest {

  @TempDir Path dir;

  @Test
  void open_createsWalStoreAtLatestSchema() {
    try (Database db = Database.open(dir.resolve("root"))) {
      assertEquals(Migrations.latest(), db.schemaVersion());
      String mode = db.withConnection(c -> {
        try (var rs = c.createStatement().executeQuery("PRAGMA journal_mode")) {
          rs.next();
          return rs.getString(1);
        }
      });
      assertEquals("wal", mode);
    }
    assertTrue(Files.exists(dir.resolve("root/skiff.db")));
  }

  @Test
  void open_twiceKeepsData() {
    try (Database db = Database.open(dir)) {
      new EventStore(db).append(1, "volume", "create", "v", java.util.Map.of("a", "b"));
    }
    try (Database db = Database.open(dir)) {
      long n = db.withConnection(c -> {
        try (var rs = c.createStatement().executeQuery("SELECT count(*) FROM events")) {
          rs.next();
          return rs.getLong(1);
        }
      });
      assertEquals(1, n);
    }
  }

  @Test
  void open_corruptFile_namesFileAndProblem() throws Exception {
    Files.writeString(dir.resolve("skiff.db"), "garbage ".repeat(1000));
    var e = assertThrows(StoreException.class, () -> Database.open(dir));
    assertTrue(e.getMessage().contains(dir.resolve("skiff.db").toString()), e.getMessage());
    assertTrue(e.getMessage().contains("not a SQLite database"), e.getMessage());
  }

  @Test
  void open_newerSchema_isRefused() {
    try (Database db = Database.open(dir)) {
      db.withConnection(c -> c.createStatement().executeUpdate("PRAGMA user_version = 42"));
    }
    var e = assertThrows(StoreException.class, () -> Database.open(dir));
    assertTrue(e.getMessage().contains("schema version 42 is newer"), e.getMessage());
  }

  @Test
  void inTransaction_rollsBackOnFailure() {
    try (Database db = Database.open(dir)) {
      assertThrows(IllegalStateException.class, () -> db.inTransaction(c -> {
        c.createStatement().executeUpdate("INSERT INTO volumes(name, created_at, data) VALUES ('v', 1, '{}')");
        throw new IllegalStateException("boom");
      }));
      long n = db.withConnection(c -> {
        try (var rs = c.createStatement().executeQuery("SELECT count(*) FROM volumes")) {
          rs.next();
          return rs.getLong(1);
        }
      });
      assertEquals(0, n);
    }
  }
}
