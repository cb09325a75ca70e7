package dev.skiff.store;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.sql.PreparedStatement;
import java.util.Map;

/** Appends events (type, action, actor, attributes) to the store's event log. */
public final class EventStore {

  private final Database db;
  private final ObjectMapper json = new ObjectMapper();

  public EventStore(Database db) {
    this.db = db;
  }

  public void append(long timeNano, String type, String action, String actorId, Map<String, String> attributes) {
    String attrs;
    try {
      attrs = json.writeValueAsString(attributes);
    } catch (JsonProcessingException e) {
      throw new StoreException("cannot encode event attributes", e);
    }
    db.withConnection(c -> {
      try (PreparedStatement ps = c.prepareStatement(
          "INSERT INTO events(time_nano, type, action, actor_id, attributes) VALUES (?, ?, ?, ?, ?)")) {
        ps.setLong(1, timeNano);
        ps.setString(2, type);
        ps.setString(3, action);
        ps.setString(4, actorId);
        ps.setString(5, attrs);
        return ps.executeUpdate();
      }
    });
  }
}
