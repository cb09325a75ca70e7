package dev.skiff.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import org.junit.jupiter.api.Test;

/** A store that cannot be opened stops startup with one line naming the file and the problem. */
class StoreFailureIT {

  @Test
  void corruptStore_stopsStartupNamingTheFile() throws Exception {
    try (Daemon d = Daemon.create(TestUser.ROOT)) {
      Files.createDirectories(d.root);
      Files.writeString(d.root.resolve("skiff.db"), "this is not a database, just some text that is long enough ".repeat(40));
      var r = d.runExpectingFailure();
      assertEquals(1, r.exit(), r.stderr());
      assertTrue(r.stderr().contains(d.root.resolve("skiff.db").toString()), r.stderr());
      assertTrue(r.stderr().contains("not a SQLite database"), r.stderr());
      assertFalse(r.stderr().contains("\tat "), "no stack trace: " + r.stderr());
      assertFalse(Files.exists(d.socket), "no socket was served");
    }
  }

  @Test
  void storeFromANewerSkiffd_isRefused() {
    try (Daemon d = Daemon.start(TestUser.ROOT)) {
      d.stop();
      Exec.run(Exec.cmd("python3", "-c", "import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); c.execute('PRAGMA user_version=999'); c.commit()",
          d.root.resolve("skiff.db").toString())).requireOk();
      var r = d.runExpectingFailure();
      assertEquals(1, r.exit(), r.stderr());
      assertTrue(r.stderr().contains("schema version 999 is newer than this skiffd supports"), r.stderr());
      assertTrue(r.stderr().contains(d.root.resolve("skiff.db").toString()), r.stderr());
    }
  }

  @Test
  void unreadableStore_isReportedAsPermissionProblem() {
    TestUser u = TestUser.rootless();
    try (Daemon d = Daemon.start(u)) {
      d.stop();
      Exec.run(Exec.cmd("chown", "root:root", d.root.resolve("skiff.db").toString())).requireOk();
      Exec.run(Exec.cmd("chmod", "0600", d.root.resolve("skiff.db").toString())).requireOk();
      var r = d.runExpectingFailure();
      assertEquals(1, r.exit(), r.stderr());
      assertTrue(r.stderr().contains(d.root.resolve("skiff.db").toString()), r.stderr());
      assertTrue(r.stderr().contains("permission denied"), r.stderr());
    }
  }
}
