package dev.skiff.engine;

import java.util.Map;

/** Something that happened: a container started, an image was pulled, a volume removed. */
public record Event(long seq, long timeNano, String type, String action, String actorId, Map<String, String> attributes) {
  public Event {
    attributes = Map.copyOf(attributes);
  }
}
