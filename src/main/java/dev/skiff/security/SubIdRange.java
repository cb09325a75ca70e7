package dev.skiff.security;

/**
 * A contiguous range of host IDs {@code [start, start + count)}, as in one {@code /etc/subuid}
 * line. IDs are 32-bit unsigned; {@code 4294967295} (-1) is never part of a range.
 */
public record SubIdRange(long start, long count) implements Comparable<SubIdRange> {

  /** One past the highest valid ID: IDs are below 2^32 - 1. */
  public static final long ID_LIMIT = 4294967295L;

  public SubIdRange {
    if (start < 0 || count <= 0 || start + count > ID_LIMIT) {
      throw new InvalidSecuritySettingException(
          "invalid ID range start="
              + start
              + " count="
              + count
              + ": start must be >= 0, count > 0 and the range below "
              + ID_LIMIT);
    }
  }

  public static SubIdRange of(long start, long count) {
    return new SubIdRange(start, count);
  }

  /** The last ID (inclusive). */
  public long end() {
    return start + count - 1;
  }

  public boolean contains(long id) {
    return id >= start && id <= end();
  }

  public boolean contains(SubIdRange other) {
    return other.start >= start && other.end() <= end();
  }

  public boolean overlaps(SubIdRange other) {
    return start <= other.end() && other.start <= end();
  }

  @Override
  public int compareTo(SubIdRange o) {
    return start != o.start ? Long.compare(start, o.start) : Long.compare(count, o.count);
  }

  /** {@code 100000-165535}, the form {@code usermod --add-subuids} takes. */
  @Override
  public String toString() {
    return start + "-" + end();
  }
}
