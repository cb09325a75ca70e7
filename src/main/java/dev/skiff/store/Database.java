package dev.skiff.store;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.locks.ReentrantLock;
import org.sqlite.SQLiteConfig;

/**
 * The SQLite store: one file under the daemon's root, WAL mode, one connection used by one writer
 * at a time. All SQL of the daemon lives in this package; callers get domain records.
 */
public final class Database implements AutoCloseable {

  public static final String FILE_NAME = "skiff.db";

  private final Path file;
  private final Connection connection;
  private final ReentrantLock lock = new ReentrantLock();

  private Database(Path file, Connection connection) {
    this.file = file;
    this.connection = connection;
  }

  /**
   * Opens (creating if needed) the store in {@code root} and migrates it to the latest schema.
   *
   * @throws StoreException naming the file when it cannot be opened, is not a database, or was
   *     written by a newer skiffd
   */
  public static Database open(Path root) {
    Path file = root.resolve(FILE_NAME);
    prepareRoot(root, file);
    Connection c;
    try {
      SQLiteConfig cfg = new SQLiteConfig();
      cfg.setJournalMode(SQLiteConfig.JournalMode.WAL);
      cfg.setSynchronous(SQLiteConfig.SynchronousMode.NORMAL);
      cfg.enforceForeignKeys(true);
      cfg.setBusyTimeout(5000);
      c = DriverManager.getConnection("jdbc:sqlite:" + file, cfg.toProperties());
    } catch (SQLException e) {
      throw new StoreException("cannot open store " + file + ": " + describe(e), e);
    }
    Database db = new Database(file, c);
    try {
      db.migrate();
    } catch (StoreException e) {
      db.close();
      throw e;
    }
    return db;
  }

  private static void prepareRoot(Path root, Path file) {
    try {
      if (!Files.isDirectory(root)) {
        Files.createDirectories(root);
        Files.setPosixFilePermissions(root, PosixFilePermissions.fromString("rwx------"));
      }
    } catch (IOException e) {
      throw new StoreException("cannot create store directory " + root + ": " + e.getMessage(), e);
    }
    if (Files.exists(file) && (!Files.isReadable(file) || !Files.isWritable(file))) {
      throw new StoreException("cannot open store " + file + ": permission denied (not readable and writable by this user)");
    }
  }

  private void migrate() {
    try (Statement st = connection.createStatement()) {
      var rs = st.executeQuery("PRAGMA user_version");
      int version = rs.next() ? rs.getInt(1) : 0;
      if (version > Migrations.latest()) {
        throw new StoreException("cannot open store " + file + ": its schema version " + version
            + " is newer than this skiffd supports (" + Migrations.latest() + "); upgrade skiffd");
      }
      for (int v = version; v < Migrations.latest(); v++) {
        applyMigration(v + 1);
      }
    } catch (SQLException e) {
      throw new StoreException("cannot open store " + file + ": " + describe(e), e);
    }
  }

  private void applyMigration(int target) throws SQLException {
    connection.setAutoCommit(false);
    try (Statement st = connection.createStatement()) {
      for (String sql : Migrations.ALL.get(target - 1).split(";\\s*\\n")) {
        if (!sql.isBlank()) {
          st.executeUpdate(sql);
        }
      }
      st.executeUpdate("PRAGMA user_version = " + target);
      connection.commit();
    } catch (SQLException e) {
      connection.rollback();
      throw e;
    } finally {
      connection.setAutoCommit(true);
    }
  }

  static String describe(SQLException e) {
    String m = e.getMessage() == null ? "" : e.getMessage();
    if (m.contains("SQLITE_NOTADB") || m.contains("not a database")) {
      return "file is not a SQLite database (corrupt or foreign file)";
    }
    if (m.contains("SQLITE_CORRUPT")) {
      return "database is corrupt";
    }
    if (m.contains("SQLITE_CANTOPEN") || m.contains("SQLITE_READONLY") || m.contains("SQLITE_PERM")) {
      return "permission denied or unreadable file (" + m + ")";
    }
    return m;
  }

  public Path file() {
    return file;
  }

  /** Runs {@code work} with the connection; one caller at a time (SQLite has one writer). */
  public <T> T withConnection(SqlWork<T> work) {
    lock.lock();
    try {
      return work.run(connection);
    } catch (SQLException e) {
      throw new StoreException("store " + file + ": " + describe(e), e);
    } finally {
      lock.unlock();
    }
  }

  /** Runs {@code work} in one transaction: all of it is stored, or none. */
  public <T> T inTransaction(SqlWork<T> work) {
    return withConnection(c -> {
      c.setAutoCommit(false);
      try {
        T result = work.run(c);
        c.commit();
        return result;
      } catch (SQLException | RuntimeException e) {
        c.rollback();
        throw e;
      } finally {
        c.setAutoCommit(true);
      }
    });
  }

  public int schemaVersion() {
    return withConnection(c -> {
      try (var rs = c.createStatement().executeQuery("PRAGMA user_version")) {
        return rs.next() ? rs.getInt(1) : 0;
      }
    });
  }

  @Override
  public void close() {
    try {
      connection.close();
    } catch (SQLException e) {
      // closing a store that failed to open: nothing more to report
    }
  }

  /** Work done with the store's connection. */
  @FunctionalInterface
  public interface SqlWork<T> {
    T run(Connection c) throws SQLException;
  }
}
