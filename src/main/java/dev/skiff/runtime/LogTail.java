package dev.skiff.runtime;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchService;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Follows a log file as skiff-shim appends to it: reads complete records from an offset and
 * sleeps on inotify (WatchService) until the file changes or the container exits.
 */
public final class LogTail implements AutoCloseable {

  /** Receives each complete record. */
  @FunctionalInterface
  public interface RecordSink {
    void accept(LogLine line) throws IOException;
  }

  private final Path file;
  private final WatchService watch;
  private RandomAccessFile open;

  public LogTail(Path file) throws IOException {
    this.file = file;
    Files.createDirectories(file.getParent());
    this.watch = FileSystems.getDefault().newWatchService();
    file.getParent().register(watch, StandardWatchEventKinds.ENTRY_MODIFY, StandardWatchEventKinds.ENTRY_CREATE);
  }

  /**
   * Creates the log file if the writer has not yet (it appends with O_CREAT) and holds it open, so
   * that records written before the file is deleted stay readable. Returns its current size.
   */
  public long openNow() throws IOException {
    if (open == null) {
      try {
        Files.createFile(file, java.nio.file.attribute.PosixFilePermissions.asFileAttribute(
            java.nio.file.attribute.PosixFilePermissions.fromString("rw-------")));
      } catch (java.nio.file.FileAlreadyExistsException e) {
        // the writer was first
      }
      open = new RandomAccessFile(file.toFile(), "r");
    }
    return open.length();
  }

  public long size() throws IOException {
    return Files.exists(file) ? Files.size(file) : 0;
  }

  /** Reads the complete records after {@code offset}; returns the offset after the last one. */
  public long readFrom(long offset, RecordSink sink) throws IOException {
    if (open == null) {
      if (!Files.exists(file)) {
        return offset;
      }
      // kept open: the records stay readable after the file is deleted (a --rm container's exit)
      open = new RandomAccessFile(file.toFile(), "r");
    }
    RandomAccessFile f = open;
    {
      long len = f.length();
      if (len <= offset) {
        return offset;
      }
      byte[] buf = new byte[(int) Math.min(len - offset, 8 << 20)];
      f.seek(offset);
      f.readFully(buf);
      int start = 0;
      for (int i = 0; i < buf.length; i++) {
        if (buf[i] == '\n') {
          String rec = new String(buf, start, i - start, StandardCharsets.UTF_8);
          var line = LogLine.parse(rec);
          if (line.isPresent()) {
            sink.accept(line.get());
          }
          start = i + 1;
        }
      }
      return offset + start;
    }
  }

  /** Waits for the next change of the log directory, or the container's exit, or one second. */
  public void awaitChange(CompletableFuture<?> exited) {
    try {
      var key = watch.poll(exited.isDone() ? 0 : 1, TimeUnit.SECONDS);
      if (key != null) {
        key.pollEvents();
        key.reset();
      }
    } catch (InterruptedException | ClosedWatchServiceException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public void close() throws IOException {
    watch.close();
    if (open != null) {
      open.close();
    }
  }
}
