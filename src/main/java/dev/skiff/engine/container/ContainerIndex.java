package dev.skiff.engine.container;

import dev.skiff.store.ContainerStore;
import dev.skiff.store.IdAllocationStore;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;

/**
 * The containers, decoded once: a write-through cache over {@link ContainerStore}. This daemon is
 * the store's only writer, so the cache is loaded at start and then kept in step with every
 * write; reads (list, inspect, lookups by name or id prefix) never decode JSON again.
 *
 * <p>Every lookup costs the same however many containers there are: by id and by name are hash
 * lookups, an id prefix is a range of the id-sorted map, and the newest-first list is kept in
 * order (a container's creation time never changes). Writers are serialised ({@code
 * synchronized}); readers see each map's latest entries without locking.
 */
final class ContainerIndex {

  /** Newest first, then by id: the order of {@link #all()}. */
  private record Order(Instant created, String id) {}

  private static final Comparator<Order> NEWEST_FIRST =
      Comparator.comparing(Order::created).reversed().thenComparing(Order::id);

  private final ContainerStore store;
  private final ContainerCodec codec = new ContainerCodec();
  private final ConcurrentHashMap<String, ContainerRecord> byId = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<String, ContainerRecord> byName = new ConcurrentHashMap<>();
  private final ConcurrentSkipListMap<String, ContainerRecord> sortedIds = new ConcurrentSkipListMap<>();
  private final ConcurrentSkipListMap<Order, ContainerRecord> newestFirst = new ConcurrentSkipListMap<>(NEWEST_FIRST);

  ContainerIndex(ContainerStore store) {
    this.store = store;
    store.all().forEach(row -> put(codec.record(row)));
  }

  /** Stores a new container; false when its name is taken. */
  synchronized boolean insert(ContainerRecord c) {
    if (byName.containsKey(c.name()) || !store.insert(codec.row(c))) {
      return false;
    }
    put(c);
    return true;
  }

  /** Stores a new container with its ID-range allocation, in one transaction; false when its name is taken. */
  synchronized boolean insert(ContainerRecord c, IdAllocationStore.Allocation allocation) {
    if (byName.containsKey(c.name()) || !store.insertWithAllocation(codec.row(c), allocation)) {
      return false;
    }
    put(c);
    return true;
  }

  /** Replaces a container's record; false when it is gone or the (new) name is taken. */
  synchronized boolean update(ContainerRecord c) {
    ContainerRecord old = byId.get(c.id());
    ContainerRecord holder = byName.get(c.name());
    if (holder != null && !holder.id().equals(c.id())) {
      return false;
    }
    if (!store.update(codec.row(c))) {
      return false;
    }
    if (old != null && !old.name().equals(c.name())) {
      byName.remove(old.name(), old);
    }
    put(c);
    return true;
  }

  synchronized void delete(String id) {
    store.delete(id);
    ContainerRecord old = byId.remove(id);
    if (old != null) {
      byName.remove(old.name(), old);
      sortedIds.remove(id);
      newestFirst.remove(new Order(old.created(), id));
    }
  }

  private void put(ContainerRecord c) {
    byId.put(c.id(), c);
    byName.put(c.name(), c);
    sortedIds.put(c.id(), c);
    newestFirst.put(new Order(c.created(), c.id()), c);
  }

  Optional<ContainerRecord> byId(String id) {
    return Optional.ofNullable(byId.get(id));
  }

  Optional<ContainerRecord> byName(String name) {
    return Optional.ofNullable(byName.get(name));
  }

  /** Containers whose id starts with {@code prefix}, at most {@code limit} of them. */
  List<ContainerRecord> byIdPrefix(String prefix, int limit) {
    List<ContainerRecord> out = new ArrayList<>(Math.min(limit, 4));
    for (ContainerRecord c : sortedIds.tailMap(prefix, true).values()) {
      if (!c.id().startsWith(prefix) || out.size() == limit) {
        break;
      }
      out.add(c);
    }
    return out;
  }

  /** All containers, newest first. */
  List<ContainerRecord> all() {
    return new ArrayList<>(newestFirst.values());
  }
}
