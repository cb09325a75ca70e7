package dev.skiff.engine.container;

import dev.skiff.store.ContainerStore;
import dev.skiff.store.IdAllocationStore;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The containers, decoded once: a write-through cache over {@link ContainerStore}. This daemon is
 * the store's only writer, so the cache is loaded at start and then kept in step with every
 * write; reads (list, inspect, lookups by name or id prefix) never decode JSON again.
 */
final class ContainerIndex {

  private final ContainerStore store;
  private final ContainerCodec codec = new ContainerCodec();
  private final ConcurrentHashMap<String, ContainerRecord> byId = new ConcurrentHashMap<>();

  ContainerIndex(ContainerStore store) {
    this.store = store;
    store.all().forEach(row -> byId.put(row.id(), codec.record(row)));
  }

  /** Stores a new container; false when its name is taken. */
  synchronized boolean insert(ContainerRecord c) {
    if (!store.insert(codec.row(c))) {
      return false;
    }
    byId.put(c.id(), c);
    return true;
  }

  /** Stores a new container with its ID-range allocation, in one transaction; false when its name is taken. */
  synchronized boolean insert(ContainerRecord c, IdAllocationStore.Allocation allocation) {
    if (!store.insertWithAllocation(codec.row(c), allocation)) {
      return false;
    }
    byId.put(c.id(), c);
    return true;
  }

  /** Replaces a container's record; false when it is gone or the (new) name is taken. */
  synchronized boolean update(ContainerRecord c) {
    if (!store.update(codec.row(c))) {
      return false;
    }
    byId.put(c.id(), c);
    return true;
  }

  synchronized void delete(String id) {
    store.delete(id);
    byId.remove(id);
  }

  Optional<ContainerRecord> byId(String id) {
    return Optional.ofNullable(byId.get(id));
  }

  Optional<ContainerRecord> byName(String name) {
    return byId.values().stream().filter(c -> c.name().equals(name)).findFirst();
  }

  List<ContainerRecord> byIdPrefix(String prefix) {
    return byId.values().stream().filter(c -> c.id().startsWith(prefix)).toList();
  }

  /** All containers, newest first. */
  List<ContainerRecord> all() {
    return byId.values().stream()
        .sorted(Comparator.comparing(ContainerRecord::created).reversed().thenComparing(ContainerRecord::id))
        .toList();
  }
}
