package dev.skiff.store;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.skiff.security.InvalidSubIdFileException;
import dev.skiff.security.SubIdRange;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Works on temp files only; never touches /etc. */
class SubIdFileWriterTest {

  @TempDir Path dir;

  private static final String ORIGINAL =
      "# subordinate uids\r\nalice:100000:65536\n\n  bob:165536:65536";

  private Path file(String content, String mode) throws Exception {
    Path file = dir.resolve("subuid");
    Files.writeString(file, content);
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString(mode));
    return file;
  }

  @Test
  void append_keepsOtherBytesAndAddsLine() throws Exception {
    Path file = file(ORIGINAL, "rw-r--r--");
    SubIdFileWriter.append(file, "carol", SubIdRange.of(231072, 65536));
    assertEquals(ORIGINAL + "\ncarol:231072:65536\n", Files.readString(file));
  }

  @Test
  void append_writesBackupWithPreviousContent() throws Exception {
    Path file = file(ORIGINAL, "rw-r--r--");
    SubIdFileWriter.append(file, "carol", SubIdRange.of(231072, 65536));
    assertArrayEquals(
        ORIGINAL.getBytes(StandardCharsets.UTF_8), Files.readAllBytes(dir.resolve("subuid-")));
  }

  @Test
  void append_preservesMode() throws Exception {
    Path file = file("alice:100000:65536\n", "rw-------");
    SubIdFileWriter.append(file, "carol", SubIdRange.of(300000, 10));
    assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
    assertEquals(
        "rw-------",
        PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("subuid-"))));
  }

  @Test
  void append_newFile_mode0644_noBackup() throws Exception {
    Path file = dir.resolve("subgid");
    SubIdFileWriter.append(file, "1000", SubIdRange.of(100000, 65536));
    assertEquals("1000:100000:65536\n", Files.readString(file));
    assertEquals("rw-r--r--", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
    assertFalse(Files.exists(dir.resolve("subgid-")));
  }

  @Test
  void append_collision_refusedAndFileUnchanged() throws Exception {
    Path file = file(ORIGINAL, "rw-r--r--");
    SubIdFileWriter.RangeCollisionException e =
        assertThrows(
            SubIdFileWriter.RangeCollisionException.class,
            () -> SubIdFileWriter.append(file, "carol", SubIdRange.of(165000, 1000)));
    assertTrue(e.getMessage().contains("line 2 \"alice:100000:65536\""), e.getMessage());
    assertTrue(e.getMessage().contains("bob:165536:65536"), e.getMessage());
    assertEquals(ORIGINAL, Files.readString(file));
    assertFalse(Files.exists(dir.resolve("subuid.lock")));
  }

  @Test
  void append_malformedFile_refused() throws Exception {
    Path file = file("alice:100000\n", "rw-r--r--");
    assertThrows(
        InvalidSubIdFileException.class,
        () -> SubIdFileWriter.append(file, "carol", SubIdRange.of(300000, 10)));
  }

  @Test
  void append_lockHeldByLiveProcess_refused() throws Exception {
    Path file = file(ORIGINAL, "rw-r--r--");
    Files.writeString(dir.resolve("subuid.lock"), Long.toString(ProcessHandle.current().pid()));
    assertThrows(
        SubIdFileWriter.FileLockedException.class,
        () -> SubIdFileWriter.append(file, "carol", SubIdRange.of(300000, 10)));
    assertEquals(ORIGINAL, Files.readString(file));
  }

  @Test
  void append_staleLock_cleared() throws Exception {
    Path file = file(ORIGINAL, "rw-r--r--");
    Files.writeString(dir.resolve("subuid.lock"), "2147483646");
    SubIdFileWriter.append(file, "carol", SubIdRange.of(300000, 10));
    assertTrue(Files.readString(file).endsWith("carol:300000:10\n"));
    assertFalse(Files.exists(dir.resolve("subuid.lock")));
  }

  @Test
  void append_invalidOwner_refused() throws Exception {
    Path file = file(ORIGINAL, "rw-r--r--");
    assertThrows(
        IllegalArgumentException.class,
        () -> SubIdFileWriter.append(file, "ca:rol", SubIdRange.of(300000, 10)));
  }

  @Test
  void append_leavesNoTempFiles() throws Exception {
    Path file = file(ORIGINAL, "rw-r--r--");
    SubIdFileWriter.append(file, "carol", SubIdRange.of(300000, 10));
    try (var files = Files.list(dir)) {
      assertEquals(2, files.count()); // subuid and subuid-
    }
  }
}
