package dev.skiff.engine.container;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import dev.skiff.store.ContainerStore.ContainerRow;
import dev.skiff.store.StoreException;

/** Encodes {@link ContainerRecord}s as the store's JSON rows and back. */
final class ContainerCodec {

  private static final ObjectMapper JSON = new ObjectMapper().registerModule(new JavaTimeModule())
      .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

  ContainerRow row(ContainerRecord c) {
    try {
      return new ContainerRow(c.id(), c.name(), c.imageId(), c.state().wireName(), c.created().toEpochMilli(),
          JSON.writeValueAsString(c));
    } catch (JsonProcessingException e) {
      throw new StoreException("cannot encode container " + c.id(), e);
    }
  }

  ContainerRecord record(ContainerRow r) {
    try {
      return JSON.readValue(r.data(), ContainerRecord.class);
    } catch (JsonProcessingException e) {
      throw new StoreException("unreadable record of container " + r.id() + ": " + e.getOriginalMessage(), e);
    }
  }
}
