package dev.skiff.store;

import dev.skiff.security.SubIdFile;
import dev.skiff.security.SubIdRange;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Appends one {@code name:start:count} line to an {@code /etc/subuid}-format file the way
 * shadow-utils does: under its {@code FILE.lock} (created with the link trick, holding our pid),
 * keeping every other byte, writing the previous content to the backup {@code FILE-}, then
 * replacing the file atomically (temp file in the same directory, fsync, rename, fsync of the
 * directory) with the original mode and owner.
 *
 * <p>Used by root-mode Skiff to give a user a range chosen by {@code IdRangeAllocator}. Depends on
 * {@code security} for parsing only.
 */
public final class SubIdFileWriter {

  private static final Set<PosixFilePermission> NEW_FILE_MODE =
      PosixFilePermissions.fromString("rw-r--r--");

  /** The range collides with an entry already in the file; nothing was written. */
  public static final class RangeCollisionException extends IllegalStateException {
    public RangeCollisionException(String message) {
      super(message);
    }
  }

  /** Another process holds {@code FILE.lock}; nothing was written. */
  public static final class FileLockedException extends IOException {
    public FileLockedException(String message) {
      super(message);
    }
  }

  private SubIdFileWriter() {}

  /**
   * Appends {@code owner:start:count}.
   *
   * @throws RangeCollisionException if {@code range} overlaps an existing entry
   * @throws dev.skiff.security.InvalidSubIdFileException if the existing file is malformed
   * @throws FileLockedException if the file is locked by a live process
   */
  public static void append(Path file, String owner, SubIdRange range) throws IOException {
    checkOwner(owner);
    Path lock = lock(file);
    try {
      appendLocked(file, owner, range);
    } finally {
      Files.deleteIfExists(lock);
    }
  }

  private static void appendLocked(Path file, String owner, SubIdRange range) throws IOException {
    Optional<byte[]> original = read(file);
    checkNoCollision(file, original, owner, range);
    String line = owner + ":" + range.start() + ":" + range.count();
    byte[] updated = withLine(original.orElse(new byte[0]), line);
    if (original.isPresent()) {
      replace(backupOf(file), original.get(), file);
    }
    replace(file, updated, original.isPresent() ? file : null);
  }

  private static void checkNoCollision(
      Path file, Optional<byte[]> content, String owner, SubIdRange range) {
    String text = content.map(b -> new String(b, StandardCharsets.UTF_8)).orElse("");
    List<String> collisions =
        SubIdFile.parse(text, file.toString()).collisionsWith(range).stream()
            .map(e -> "line " + e.lineNumber() + " \"" + e.toLine() + "\"")
            .toList();
    if (!collisions.isEmpty()) {
      throw new RangeCollisionException(
          "range " + range + " for " + owner + " collides with " + file + " " + collisions);
    }
  }

  private static void checkOwner(String owner) {
    boolean bad =
        owner.isEmpty()
            || owner.contains(":")
            || owner.startsWith("#")
            || owner.chars().anyMatch(c -> Character.isWhitespace(c) || Character.isISOControl(c));
    if (bad) {
      throw new IllegalArgumentException("invalid subordinate ID owner \"" + owner + "\"");
    }
  }

  private static Optional<byte[]> read(Path file) throws IOException {
    try {
      return Optional.of(Files.readAllBytes(file));
    } catch (NoSuchFileException e) {
      return Optional.empty();
    }
  }

  static byte[] withLine(byte[] original, String line) {
    boolean needsNewline = original.length > 0 && original[original.length - 1] != '\n';
    byte[] suffix = ((needsNewline ? "\n" : "") + line + "\n").getBytes(StandardCharsets.UTF_8);
    byte[] result = new byte[original.length + suffix.length];
    System.arraycopy(original, 0, result, 0, original.length);
    System.arraycopy(suffix, 0, result, original.length, suffix.length);
    return result;
  }

  /** The shadow-utils backup name: {@code /etc/subuid-}. */
  public static Path backupOf(Path file) {
    return file.resolveSibling(file.getFileName() + "-");
  }

  /**
   * Writes {@code content} to {@code target} atomically, copying mode and owner from {@code like}.
   */
  private static void replace(Path target, byte[] content, Path like) throws IOException {
    Path dir = target.toAbsolutePath().getParent();
    Path temp = Files.createTempFile(dir, "." + target.getFileName() + ".", ".tmp");
    try {
      try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.WRITE)) {
        channel.write(ByteBuffer.wrap(content));
        channel.force(true);
      }
      copyAttributes(like, temp);
      move(temp, target);
      fsyncDirectory(dir);
    } finally {
      Files.deleteIfExists(temp);
    }
  }

  private static void copyAttributes(Path like, Path temp) throws IOException {
    PosixFileAttributeView view = Files.getFileAttributeView(temp, PosixFileAttributeView.class);
    if (like == null) {
      view.setPermissions(NEW_FILE_MODE);
      return;
    }
    PosixFileAttributes attrs =
        Files.readAttributes(like, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
    view.setPermissions(attrs.permissions());
    if (!attrs.owner().equals(Files.getOwner(temp))
        || !attrs.group().equals(view.readAttributes().group())) {
      view.setOwner(attrs.owner()); // only root gets here with a different owner
      view.setGroup(attrs.group());
    }
  }

  private static void move(Path temp, Path target) throws IOException {
    try {
      Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (AtomicMoveNotSupportedException e) {
      throw new IOException("cannot replace " + target + " atomically", e);
    }
  }

  private static void fsyncDirectory(Path dir) throws IOException {
    try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
      channel.force(true);
    }
  }

  /** Takes {@code FILE.lock} as shadow-utils does: write our pid to {@code FILE.PID}, then link. */
  static Path lock(Path file) throws IOException {
    Path lock = file.resolveSibling(file.getFileName() + ".lock");
    long pid = ProcessHandle.current().pid();
    Path temp = file.resolveSibling(file.getFileName() + "." + pid);
    Files.writeString(temp, Long.toString(pid));
    try {
      linkOrClearStale(lock, temp);
      return lock;
    } finally {
      Files.deleteIfExists(temp);
    }
  }

  private static void linkOrClearStale(Path lock, Path temp) throws IOException {
    try {
      Files.createLink(lock, temp);
    } catch (FileAlreadyExistsException e) {
      if (!isStale(lock)) {
        throw new FileLockedException(lock + " is held by a running process; try again later");
      }
      Files.deleteIfExists(lock);
      Files.createLink(lock, temp);
    }
  }

  private static boolean isStale(Path lock) throws IOException {
    try {
      long pid = Long.parseLong(Files.readString(lock).strip());
      return ProcessHandle.of(pid).isEmpty();
    } catch (NoSuchFileException e) {
      return true; // released meanwhile
    } catch (NumberFormatException e) {
      return false; // not ours to judge: shadow-utils writes a pid, someone else wrote this
    }
  }
}
