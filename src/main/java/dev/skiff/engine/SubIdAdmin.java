package dev.skiff.engine;

import dev.skiff.security.IdRangeAllocator;
import dev.skiff.security.IdRangesExhaustedException;
import dev.skiff.security.InvalidSecuritySettingException;
import dev.skiff.security.InvalidSubIdFileException;
import dev.skiff.security.PasswdFile;
import dev.skiff.security.SubIdFile;
import dev.skiff.security.SubIdGrant;
import dev.skiff.security.SubIdRange;
import dev.skiff.store.SubIdFileWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.List;
import java.util.function.Supplier;

/**
 * Root mode's per-user subordinate ID allocation, shared by {@code skiffd subids add} and {@code
 * POST /libpod/skiff/subids}: checks the user, chooses the range with {@link SubIdGrant#plan} and
 * appends it to both files with {@link SubIdFileWriter}. Not a bean: the command runs it without a
 * daemon; {@link SubIdService} runs it inside one. Whether the caller may do this (root) is the
 * caller's check.
 */
public final class SubIdAdmin {

  /** Where the files are; {@code reserved} supplies the daemon's own allocations to stay clear of. */
  public record Locations(Path subuid, Path subgid, Path passwd) {}

  private final Locations files;
  private final List<SubIdRange> pool;
  private final Supplier<Collection<SubIdRange>> reserved;

  public SubIdAdmin(Locations files, List<SubIdRange> pool, Supplier<Collection<SubIdRange>> reserved) {
    this.files = files;
    this.pool = List.copyOf(pool);
    this.reserved = reserved;
  }

  /** The default pool, 100000–4294967294. */
  public static List<SubIdRange> defaultPool() {
    return List.of(IdRangeAllocator.DEFAULT_USER_POOL);
  }

  /**
   * Gives {@code user} a new range of {@code size} IDs in both files.
   *
   * @param additional allow a user who already has a range to get another one
   * @throws NoSuchObjectException if the user is not in the passwd file
   * @throws ConflictException if the user already has a range (and not {@code additional}), the
   *     pool is exhausted, or another process changed or locked a file meanwhile
   * @throws InvalidArgumentException for a bad size or a malformed file
   */
  public synchronized SubIdGrant add(String user, long size, boolean additional) {
    PasswdFile passwd = read(() -> PasswdFile.parse(files.passwd()), files.passwd());
    PasswdFile.User account = passwd.user(user).orElseThrow(() -> new NoSuchObjectException(
        "user \"" + user + "\" does not exist in " + files.passwd() + ": create it first (useradd)", "no such user"));
    SubIdFile subuid = readSubIds(files.subuid());
    SubIdFile subgid = readSubIds(files.subgid());
    List<SubIdRange> hasU = subuid.rangesFor(user, account.uid());
    List<SubIdRange> hasG = subgid.rangesFor(user, account.uid());
    if (!additional && (!hasU.isEmpty() || !hasG.isEmpty())) {
      throw new ConflictException("user " + user + " already has subordinate IDs (" + files.subuid() + ": " + hasU
          + ", " + files.subgid() + ": " + hasG + "); use --force-additional (API: additional=true) to add another range",
          "range already assigned");
    }
    SubIdGrant grant;
    try {
      grant = SubIdGrant.plan(user, pool, subuid, subgid, passwd.realIds(), reserved.get(), size);
    } catch (InvalidSecuritySettingException e) {
      throw new InvalidArgumentException(e.getMessage());
    } catch (IdRangesExhaustedException e) {
      throw new ConflictException(e.getMessage(), "no free ID range");
    }
    write(files.subuid(), user, grant.subuid(), null);
    write(files.subgid(), user, grant.subgid(), grant.subuidLine());
    return grant;
  }

  private static SubIdFile readSubIds(Path file) {
    if (!Files.exists(file)) {
      return SubIdFile.parse("", file.toString());
    }
    return read(() -> SubIdFile.parse(file), file);
  }

  private static <T> T read(Supplier<T> reader, Path file) {
    try {
      return reader.get();
    } catch (InvalidSubIdFileException e) {
      throw new InvalidArgumentException(e.getMessage() + " (fix the file first)");
    } catch (java.io.UncheckedIOException e) {
      throw new ConflictException("cannot read " + file + ": " + e.getCause().getMessage(), "cannot read file");
    }
  }

  private static void write(Path file, String user, SubIdRange range, String alreadyWritten) {
    String partial = alreadyWritten == null ? "" : " (the line " + alreadyWritten + " was already added to the other file)";
    try {
      SubIdFileWriter.append(file, user, range);
    } catch (SubIdFileWriter.RangeCollisionException e) {
      throw new ConflictException(e.getMessage() + ": the file changed meanwhile, try again" + partial, "range collision");
    } catch (SubIdFileWriter.FileLockedException e) {
      throw new ConflictException(e.getMessage() + partial, "file locked");
    } catch (IOException e) {
      throw new ConflictException("cannot write " + file + ": " + e.getMessage() + partial, "cannot write file");
    }
  }
}
