package dev.skiff.image.json;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;

/**
 * The one Jackson mapper for image JSON: lenient on unknown members, compact on output. Separate
 * from the HTTP layer's mapper so wire settings there cannot change image digests here.
 */
public final class ImageJson {
  private static final ObjectMapper MAPPER =
      new ObjectMapper().configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

  private ImageJson() {}

  public static <T> T read(byte[] json, Class<T> type) throws IOException {
    return MAPPER.readValue(json, type);
  }

  public static <T> T read(InputStream json, Class<T> type) throws IOException {
    return MAPPER.readValue(json, type);
  }

  public static DockerArchiveManifestEntry[] readDockerManifest(byte[] json) throws IOException {
    return MAPPER.readValue(json, DockerArchiveManifestEntry[].class);
  }

  /** Serialises compactly; the bytes are what gets digested. */
  public static byte[] write(Object value) {
    try {
      return MAPPER.writeValueAsBytes(value);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot serialise " + value.getClass().getSimpleName(), e);
    }
  }

  public static ObjectMapper mapper() {
    return MAPPER;
  }
}
