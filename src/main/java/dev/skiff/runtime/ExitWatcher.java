package dev.skiff.runtime;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.util.Optional;
import java.util.function.BiConsumer;
import org.jboss.logging.Logger;

/**
 * Learns of container exits the moment skiff-shim renames an exit file into the exits directory
 * (inotify through the JDK's WatchService: push, not polling). Exit files are named
 * {@code <container id>.json}.
 */
public final class ExitWatcher implements AutoCloseable {

  private static final Logger LOG = Logger.getLogger(ExitWatcher.class);
  static final ObjectMapper JSON = new ObjectMapper().registerModule(new JavaTimeModule());

  private final Path dir;
  private final WatchService watch;
  private final Thread thread;

  /** Watches {@code dir}; {@code onExit} receives (container id, status) on a virtual thread. */
  public ExitWatcher(Path dir, BiConsumer<String, ExitStatus> onExit) {
    this.dir = dir;
    try {
      Files.createDirectories(dir);
      this.watch = FileSystems.getDefault().newWatchService();
      dir.register(watch, StandardWatchEventKinds.ENTRY_CREATE, StandardWatchEventKinds.ENTRY_MODIFY);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot watch exit directory " + dir, e);
    }
    this.thread = Thread.ofVirtual().name("skiff-exit-watcher").start(() -> loop(onExit));
  }

  public Path fileFor(String containerId) {
    return dir.resolve(containerId + ".json");
  }

  /** The exit status already written for a container, if any (used when reconciling at start). */
  public Optional<ExitStatus> read(String containerId) {
    return read(fileFor(containerId));
  }

  private void loop(BiConsumer<String, ExitStatus> onExit) {
    while (true) {
      WatchKey key;
      try {
        key = watch.take();
      } catch (InterruptedException | ClosedWatchServiceException e) {
        return;
      }
      for (WatchEvent<?> ev : key.pollEvents()) {
        if (ev.context() instanceof Path name && name.toString().endsWith(".json")) {
          String id = name.toString().substring(0, name.toString().length() - 5);
          read(dir.resolve(name)).ifPresent(s -> deliver(onExit, id, s));
        }
      }
      key.reset();
    }
  }

  private static void deliver(BiConsumer<String, ExitStatus> onExit, String id, ExitStatus s) {
    try {
      onExit.accept(id, s);
    } catch (RuntimeException e) {
      LOG.errorf(e, "handling the exit of container %s", id);
    }
  }

  /** Reads an exit file written by skiff-shim (run or exec); empty when absent or unreadable. */
  public static Optional<ExitStatus> read(Path file) {
    if (!Files.isRegularFile(file)) {
      return Optional.empty();
    }
    try {
      return Optional.of(JSON.readValue(file.toFile(), ExitStatus.class));
    } catch (IOException e) {
      LOG.warnf("unreadable exit file %s: %s", file, e.getMessage());
      return Optional.empty();
    }
  }

  @Override
  public void close() {
    try {
      watch.close();
    } catch (IOException e) {
      // closing: nothing to do
    }
    thread.interrupt();
  }
}
