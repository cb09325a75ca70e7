package dev.skiff.engine;

import dev.skiff.store.EventStore;
import dev.skiff.store.Store;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;

/**
 * Records events in the store and hands them, as they happen, to live subscribers
 * ({@code /events?stream=true}).
 */
@ApplicationScoped
public class EventService {

  private final EventStore events;
  private final List<BlockingQueue<Event>> subscribers = new CopyOnWriteArrayList<>();

  public EventService(Store store) {
    this.events = new EventStore(store.database());
  }

  public void emit(String type, String action, String actorId, Map<String, String> attributes) {
    Instant now = Instant.now();
    long nano = now.getEpochSecond() * 1_000_000_000L + now.getNano();
    long seq = events.append(nano, type, action, actorId, attributes);
    Event e = new Event(seq, nano, type, action, actorId, attributes);
    subscribers.forEach(q -> q.offer(e));
  }

  /** Events already recorded in [from, to), oldest first. */
  public List<Event> history(long fromNano, long toNano) {
    return events.between(fromNano, toNano).stream()
        .map(r -> new Event(r.seq(), r.timeNano(), r.type(), r.action(), r.actorId(), r.attributes()))
        .toList();
  }

  /** A live feed; call {@link #unsubscribe} when done. */
  public BlockingQueue<Event> subscribe() {
    BlockingQueue<Event> q = new LinkedBlockingQueue<>(10_000);
    subscribers.add(q);
    return q;
  }

  private volatile boolean closed;

  /** The daemon is shutting down: live feeds end (their readers check this at least every second). */
  void onStop(@jakarta.enterprise.event.Observes io.quarkus.runtime.ShutdownEvent ev) {
    closed = true;
  }

  public boolean isClosed() {
    return closed;
  }

  public void unsubscribe(BlockingQueue<Event> q) {
    subscribers.remove(q);
  }
}
