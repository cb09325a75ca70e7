package dev.skiff.engine.container;

import dev.skiff.runtime.LogLine;
import dev.skiff.runtime.LogReader;
import dev.skiff.runtime.LogTail;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.Predicate;

/** Reads (and follows) container logs written by skiff-shim. */
@ApplicationScoped
public class ContainerLogService {

  private final ContainerService containers;

  public ContainerLogService(ContainerService containers) {
    this.containers = containers;
  }

  /** A sink for log records; an IOException ends the stream (the client went away). */
  @FunctionalInterface
  public interface Sink {
    void accept(LogLine line) throws IOException;
  }

  /** Checks the container exists before a response is committed. */
  public ContainerRecord check(String nameOrId) {
    return containers.inspect(nameOrId);
  }

  /** Writes the selected records to {@code sink}; with follow, until the container exits. Blocking. */
  public void stream(ContainerRecord c, LogOptions o, Sink sink) throws IOException {
    Path log = containers.dirs().log(c.id());
    Predicate<LogLine> filter = l -> (l.stderr() ? o.stderr() : o.stdout())
        && (o.since() == null || !l.time().isBefore(o.since()))
        && (o.until() == null || l.time().isBefore(o.until()));
    if (!o.follow() && o.tail() < 0) {
      LogReader.forEach(log, filter, sink::accept);
      return;
    }
    if (!o.follow()) {
      for (LogLine l : LogReader.read(log, filter, o.tail())) {
        sink.accept(l);
      }
      return;
    }
    CompletableFuture<Integer> exited = containers.waitFor(c.id(), Set.of(WaitCondition.STOPPED));
    try (LogTail tail = new LogTail(log)) {
      java.util.List<LogLine> first = new java.util.ArrayList<>();
      long offset = tail.readFrom(0, l -> {
        if (filter.test(l)) {
          first.add(l);
        }
      });
      for (LogLine l : LogReader.lastLines(first, o.tail())) {
        sink.accept(l);
      }
      while (true) {
        boolean done = exited.isDone();
        offset = tail.readFrom(offset, l -> {
          if (filter.test(l)) {
            sink.accept(l);
          }
        });
        if (done) {
          return;
        }
        tail.awaitChange(exited);
      }
    } finally {
      containers.cancelWait(exited);
    }
  }

  /** Registers an attach (see {@link ContainerService#attach}); connect it once the client is told. */
  public ContainerAttach.PendingAttach attach(ContainerRecord c) {
    return containers.attach(c.id());
  }
}
