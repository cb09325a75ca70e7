package dev.skiff.engine.container;

import dev.skiff.engine.ContainerStateException;
import dev.skiff.engine.SkiffException;
import dev.skiff.runtime.AttachClient;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;

/**
 * The daemon's side of attaching to containers, for {@link ContainerService}: each container's
 * attach socket (served by its shim while it runs), the attach clients waiting for a container's
 * next start, and the terminal size a container starts with. Holds no container lock itself: the
 * service calls it under the container's lock where the state matters.
 */
public final class ContainerAttach {

  private final Path runroot;
  /** Attach clients waiting for a container's next start (podman run / docker run attach first). */
  private final Map<String, List<CompletableFuture<Path>>> startWaiters = new ConcurrentHashMap<>();
  /** The last terminal size a client asked for, applied at the next start (--console-size). */
  private final Map<String, int[]> ttySizes = new ConcurrentHashMap<>();

  ContainerAttach(Path runroot) {
    this.runroot = runroot;
  }

  /** The container's attach socket. */
  Path socket(String id) {
    return AttachClient.socketPath(runroot, id);
  }

  /** The socket's path for a start, its 0700 directory made. */
  Path prepareSocket(String id) {
    Path p = socket(id);
    try {
      Files.createDirectories(p.getParent(), PosixFilePermissions.asFileAttribute(
          PosixFilePermissions.fromString("rwx------")));
    } catch (IOException e) {
      throw new ContainerStateException("cannot create the attach directory " + p.getParent() + ": " + e.getMessage());
    }
    return p;
  }

  /** Registers an attach: connected at once when {@code running}, else at the container's next start. */
  PendingAttach register(String id, boolean running) {
    CompletableFuture<Path> started = new CompletableFuture<>();
    if (running) {
      started.complete(null);
    } else {
      startWaiters.computeIfAbsent(id, k -> new CopyOnWriteArrayList<>()).add(started);
    }
    return new PendingAttach(id, started);
  }

  /** The clients waiting for this start (no longer registered), or an empty list. */
  List<CompletableFuture<Path>> takeWaiters(String id) {
    List<CompletableFuture<Path>> l = startWaiters.remove(id);
    return l == null ? List.of() : l;
  }

  /** The terminal size to start with, {rows, cols}; {0, 0} when no client gave one. */
  int[] size(String id) {
    return ttySizes.getOrDefault(id, new int[2]);
  }

  void size(String id, int rows, int cols) {
    ttySizes.put(id, new int[] {rows, cols});
  }

  /** Forgets a removed container. */
  void forget(String id) {
    ttySizes.remove(id);
    startWaiters.remove(id);
  }

  /** An attach waiting for its connection (see {@link ContainerService#attach}). */
  public final class PendingAttach {
    private final String id;
    private final CompletableFuture<Path> started;

    private PendingAttach(String id, CompletableFuture<Path> started) {
      this.id = id;
      this.started = started;
    }

    /**
     * Connects, waiting for the start when needed, until {@code gone} says the client has left (an
     * IOException then). A failed start is thrown as the start's error. Blocking.
     */
    public Attachment connect(BooleanSupplier gone) throws IOException {
      try {
        while (true) {
          try {
            Path socket = started.get(200, TimeUnit.MILLISECONDS);
            if (socket == null) {
              return new Attachment(AttachClient.connect(socket(id)));
            }
            AttachClient a = AttachClient.connect(socket);
            a.release();
            return new Attachment(a);
          } catch (TimeoutException e) {
            if (gone.getAsBoolean()) {
              throw new IOException("the client left before the container started");
            }
          }
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException("interrupted while waiting for the container to start");
      } catch (ExecutionException e) {
        throw e.getCause() instanceof SkiffException se ? se : new IllegalStateException(e.getCause());
      } finally {
        cancel();
      }
    }

    /** Forgets the registration (a client that left without connecting). */
    public void cancel() {
      List<CompletableFuture<Path>> l = startWaiters.get(id);
      if (l != null) {
        l.remove(started);
      }
    }
  }
}
