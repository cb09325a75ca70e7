package dev.skiff.security;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A parsed {@code /etc/subuid} or {@code /etc/subgid} file: lines {@code name_or_uid:start:count},
 * with {@code #} comments and blank lines ignored. A user may own several ranges.
 */
public record SubIdFile(String fileName, List<SubIdEntry> entries) {

  public SubIdFile {
    Objects.requireNonNull(fileName, "fileName");
    entries = List.copyOf(entries);
  }

  /** Reads and parses {@code path}; reading the file is the caller's only side effect. */
  public static SubIdFile parse(Path path) {
    try {
      return parse(Files.readString(path, StandardCharsets.UTF_8), path.toString());
    } catch (IOException e) {
      throw new UncheckedIOException("reading " + path, e);
    }
  }

  /**
   * Parses file content.
   *
   * @throws InvalidSubIdFileException naming {@code fileName} and the line number
   */
  public static SubIdFile parse(String content, String fileName) {
    List<SubIdEntry> entries = new ArrayList<>();
    String[] lines = content.split("\n", -1);
    for (int i = 0; i < lines.length; i++) {
      String line = lines[i].strip();
      if (!line.isEmpty() && !line.startsWith("#")) {
        entries.add(parseLine(line, fileName, i + 1));
      }
    }
    return new SubIdFile(fileName, entries);
  }

  private static SubIdEntry parseLine(String line, String fileName, int lineNumber) {
    String[] fields = line.split(":", -1);
    if (fields.length != 3 || fields[0].isEmpty()) {
      throw new InvalidSubIdFileException(fileName, lineNumber, line, "expected name:start:count");
    }
    long start = parseNumber(fields[1], fileName, lineNumber, line, "start");
    long count = parseNumber(fields[2], fileName, lineNumber, line, "count");
    try {
      return new SubIdEntry(fields[0], SubIdRange.of(start, count), lineNumber);
    } catch (InvalidSecuritySettingException e) {
      throw new InvalidSubIdFileException(fileName, lineNumber, line, e.getMessage());
    }
  }

  private static long parseNumber(
      String field, String fileName, int lineNumber, String line, String what) {
    if (field.isEmpty() || !field.chars().allMatch(Character::isDigit) || field.length() > 10) {
      throw new InvalidSubIdFileException(
          fileName, lineNumber, line, what + " \"" + field + "\" is not a number");
    }
    return Long.parseLong(field);
  }

  /** The user's ranges, in file order; entries may use the name or the numeric uid. */
  public List<SubIdRange> rangesFor(String userName, long uid) {
    return entries.stream().filter(e -> e.belongsTo(userName, uid)).map(SubIdEntry::range).toList();
  }

  /** Pairs of entries of different owners whose ranges overlap. */
  public List<SubIdOverlap> overlaps() {
    List<SubIdOverlap> result = new ArrayList<>();
    for (int i = 0; i < entries.size(); i++) {
      for (int j = i + 1; j < entries.size(); j++) {
        SubIdEntry a = entries.get(i);
        SubIdEntry b = entries.get(j);
        if (!a.owner().equals(b.owner()) && a.range().overlaps(b.range())) {
          result.add(new SubIdOverlap(a, b));
        }
      }
    }
    return List.copyOf(result);
  }

  /** Entries whose range shares an ID with {@code range}. */
  public List<SubIdEntry> collisionsWith(SubIdRange range) {
    return entries.stream().filter(e -> e.range().overlaps(range)).toList();
  }

  /** All ranges in the file, whoever owns them. */
  public List<SubIdRange> allRanges() {
    return entries.stream().map(SubIdEntry::range).toList();
  }
}
