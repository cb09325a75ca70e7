package dev.skiff.api;

import dev.skiff.engine.InvalidArgumentException;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The time parameters of logs and events ({@code since}, {@code until}): RFC 3339, unix seconds
 * (with a fraction), or a Go duration meaning "that long ago" ({@code 30m}, {@code 1h30m}), as
 * podman-remote sends them. Empty and Go's zero time mean "not given".
 */
public final class TimeParam {

  private static final Pattern GO_DURATION = Pattern.compile("(\\d+(?:\\.\\d+)?)(ns|us|µs|ms|s|m|h)");

  private TimeParam() {}

  /** The instant, or null when not given. */
  public static Instant parse(String s, String name, Instant now) {
    if (s == null || s.isBlank() || s.startsWith("0001-01-01")) {
      return null;
    }
    try {
      if (s.matches("[0-9]+(\\.[0-9]+)?")) {
        String[] parts = s.split("\\.");
        long secs = Long.parseLong(parts[0]);
        long nanos = parts.length > 1 ? Long.parseLong((parts[1] + "000000000").substring(0, 9)) : 0;
        return secs == 0 && nanos == 0 ? null : Instant.ofEpochSecond(secs, nanos);
      }
      if (s.matches("(" + GO_DURATION.pattern() + ")+")) {
        return now.minus(duration(s));
      }
      return Instant.parse(s);
    } catch (DateTimeParseException | NumberFormatException e) {
      throw new InvalidArgumentException("invalid " + name + " \"" + s
          + "\": expected RFC 3339, unix seconds or a duration like 10m");
    }
  }

  static Duration duration(String s) {
    Duration d = Duration.ZERO;
    Matcher m = GO_DURATION.matcher(s);
    while (m.find()) {
      double v = Double.parseDouble(m.group(1));
      long nanos = (long) (v * switch (m.group(2)) {
        case "ns" -> 1L;
        case "us", "µs" -> 1_000L;
        case "ms" -> 1_000_000L;
        case "s" -> 1_000_000_000L;
        case "m" -> 60_000_000_000L;
        default -> 3_600_000_000_000L;
      });
      d = d.plusNanos(nanos);
    }
    return d;
  }

  public static long nanos(Instant t) {
    return t.getEpochSecond() * 1_000_000_000L + t.getNano();
  }
}
