package dev.skiff.runtime;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.function.Predicate;

/** Reads a container's k8s-file log (written by skiff-shim). */
public final class LogReader {

  private LogReader() {}

  /**
   * The records of {@code file} that pass {@code filter}; with {@code tail >= 0} only the last
   * {@code tail} lines (a line = records up to and including a full one).
   */
  public static List<LogLine> read(Path file, Predicate<LogLine> filter, int tail) {
    if (!Files.exists(file)) {
      return List.of();
    }
    List<LogLine> all = new java.util.ArrayList<>();
    try (BufferedReader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      String s;
      while ((s = r.readLine()) != null) {
        LogLine.parse(s).filter(filter).ifPresent(all::add);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("reading log " + file, e);
    }
    return lastLines(all, tail);
  }

  /** A consumer of records that may fail with an I/O error (the client went away). */
  @FunctionalInterface
  public interface RecordSink {
    void accept(LogLine line) throws IOException;
  }

  /** Streams every record of {@code file} that passes {@code filter}, without holding them. */
  public static void forEach(Path file, Predicate<LogLine> filter, RecordSink sink) throws IOException {
    if (!Files.exists(file)) {
      return;
    }
    try (BufferedReader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      String s;
      while ((s = r.readLine()) != null) {
        var line = LogLine.parse(s);
        if (line.isPresent() && filter.test(line.get())) {
          sink.accept(line.get());
        }
      }
    }
  }

  /** The records of the last {@code tail} lines (-1 = all); a line ends with a full record. */
  public static List<LogLine> lastLines(List<LogLine> records, int tail) {
    if (tail < 0) {
      return List.copyOf(records);
    }
    Deque<LogLine> kept = new ArrayDeque<>();
    int fullLines = 0;
    for (LogLine l : records) {
      kept.addLast(l);
      if (!l.partial()) {
        fullLines++;
      }
      while (fullLines > tail && !kept.isEmpty()) {
        if (!kept.removeFirst().partial()) {
          fullLines--;
        }
      }
    }
    return List.copyOf(kept);
  }
}
