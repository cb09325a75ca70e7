package dev.skiff.store;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.sql.PreparedStatement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** The event log: appended by the engine, read back for {@code /events?since=}. */
public final class EventStore {

  /** One stored event. */
  public record EventRow(long seq, long timeNano, String type, String action, String actorId, Map<String, String> attributes) {}

  private static final ObjectMapper JSON = new ObjectMapper();
  private final Database db;

  public EventStore(Database db) {
    this.db = db;
  }

  /** Appends an event; returns its sequence number. */
  public long append(long timeNano, String type, String action, String actorId, Map<String, String> attributes) {
    String attrs;
    try {
      attrs = JSON.writeValueAsString(attributes);
    } catch (JsonProcessingException e) {
      throw new StoreException("cannot encode event attributes", e);
    }
    return db.withConnection(c -> {
      try (PreparedStatement ps = c.prepareStatement(
          "INSERT INTO events(time_nano, type, action, actor_id, attributes) VALUES (?, ?, ?, ?, ?) RETURNING seq")) {
        ps.setLong(1, timeNano);
        ps.setString(2, type);
        ps.setString(3, action);
        ps.setString(4, actorId);
        ps.setString(5, attrs);
        var rs = ps.executeQuery();
        rs.next();
        return rs.getLong(1);
      }
    });
  }

  /** Events with {@code fromNano <= time < toNano}, oldest first. */
  public List<EventRow> between(long fromNano, long toNano) {
    return db.withConnection(c -> {
      try (PreparedStatement ps = c.prepareStatement(
          "SELECT seq, time_nano, type, action, actor_id, attributes FROM events"
              + " WHERE time_nano >= ? AND time_nano < ? ORDER BY seq")) {
        ps.setLong(1, fromNano);
        ps.setLong(2, toNano);
        var rs = ps.executeQuery();
        List<EventRow> out = new ArrayList<>();
        while (rs.next()) {
          out.add(new EventRow(rs.getLong(1), rs.getLong(2), rs.getString(3), rs.getString(4), rs.getString(5),
              parse(rs.getString(6))));
        }
        return out;
      }
    });
  }

  private static Map<String, String> parse(String s) {
    try {
      return JSON.readValue(s, new TypeReference<Map<String, String>>() {});
    } catch (JsonProcessingException e) {
      return Map.of();
    }
  }
}
