package dev.skiff.engine;

import dev.skiff.store.EventStore;
import dev.skiff.store.Store;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.Map;

/** Records what happened (container, image and volume events) in the store's event log. */
@ApplicationScoped
public class EventService {

  private final EventStore events;

  public EventService(Store store) {
    this.events = new EventStore(store.database());
  }

  public void emit(String type, String action, String actorId, Map<String, String> attributes) {
    Instant now = Instant.now();
    events.append(now.getEpochSecond() * 1_000_000_000L + now.getNano(), type, action, actorId, attributes);
  }
}
