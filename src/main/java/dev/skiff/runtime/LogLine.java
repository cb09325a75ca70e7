package dev.skiff.runtime;

import java.time.Instant;

/**
 * One record of a k8s-file log: {@code <RFC3339Nano> stdout|stderr F|P <text>}. {@code partial}
 * (P) means the text continues in the next record; a full record (F) ends a line.
 */
public record LogLine(String timeText, boolean stderr, boolean partial, String text) {

  /** The record's time; parsed on demand, since most reads never look at it. */
  public Instant time() {
    return Instant.parse(timeText);
  }

  /** Parses one record; empty when the line is not in k8s-file format. */
  public static java.util.Optional<LogLine> parse(String line) {
    int a = line.indexOf(' ');
    int b = a < 0 ? -1 : line.indexOf(' ', a + 1);
    int c = b < 0 ? -1 : line.indexOf(' ', b + 1);
    if (c < 0 && b > 0 && line.length() == b + 2) {
      c = line.length(); // "<time> stdout F" with empty text
    }
    if (a < 0 || b < 0 || c < 0) {
      return java.util.Optional.empty();
    }
    String t = line.substring(0, a);
    if (a < 20 || t.charAt(4) != '-' || t.charAt(10) != 'T' || t.charAt(a - 1) != 'Z') {
      return java.util.Optional.empty();
    }
    String stream = line.substring(a + 1, b);
    String tag = line.substring(b + 1, Math.min(c, line.length()));
    if (!(stream.equals("stdout") || stream.equals("stderr")) || !(tag.equals("F") || tag.equals("P"))) {
      return java.util.Optional.empty();
    }
    String text = c >= line.length() ? "" : line.substring(c + 1);
    return java.util.Optional.of(new LogLine(t, stream.equals("stderr"), tag.equals("P"), text));
  }

  /** The bytes a client sees: the text plus the newline a full record stands for. */
  public String payload() {
    return partial ? text : text + "\n";
  }
}
