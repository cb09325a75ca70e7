package dev.skiff.engine.container;

import dev.skiff.engine.ContainerState;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * Pending {@code /wait} calls, completed the moment a state change satisfies them (push, no
 * polling). Also keeps the exit codes of recently removed containers, so a client that waits on a
 * {@code --rm} container after it was removed still gets its code.
 */
final class Waiters {

  private record Waiter(String id, Set<WaitCondition> conditions, CompletableFuture<Integer> result) {}

  private final List<Waiter> pending = new ArrayList<>();
  private final Map<String, Integer> removedExitCodes = new LinkedHashMap<>(16, 0.75f, false) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<String, Integer> e) {
      return size() > 4096;
    }
  };

  synchronized CompletableFuture<Integer> add(String id, Set<WaitCondition> conditions) {
    Waiter w = new Waiter(id, conditions, new CompletableFuture<>());
    pending.add(w);
    return w.result();
  }

  synchronized void cancel(CompletableFuture<Integer> f) {
    pending.removeIf(w -> w.result() == f);
  }

  /** The container changed state; {@code exited} is true when this change is an exit. */
  synchronized void stateChanged(String id, ContainerState state, boolean exited, int exitCode) {
    for (Iterator<Waiter> it = pending.iterator(); it.hasNext(); ) {
      Waiter w = it.next();
      if (w.id().equals(id) && (w.conditions().stream().anyMatch(c -> c.holds(state))
          || (exited && w.conditions().contains(WaitCondition.NEXT_EXIT)))) {
        w.result().complete(exitCode);
        it.remove();
      }
    }
  }

  synchronized void removed(String id, int exitCode) {
    removedExitCodes.put(id, exitCode);
    for (Iterator<Waiter> it = pending.iterator(); it.hasNext(); ) {
      Waiter w = it.next();
      if (w.id().equals(id)) {
        w.result().complete(exitCode);
        it.remove();
      }
    }
  }

  synchronized Integer removedExitCode(String id) {
    return removedExitCodes.get(id);
  }

  /** Ids of removed containers remembered for /wait, matched by full id or name. */
  synchronized Map<String, Integer> removedSnapshot() {
    return Map.copyOf(removedExitCodes);
  }
}
