package dev.skiff.runtime;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.skiff.runtime.oci.OciSpec;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/** Writes an OCI bundle's {@code config.json} atomically (temp file, then rename). */
public final class BundleWriter {

  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private BundleWriter() {}

  public static Path write(Path bundle, OciSpec spec) {
    Path target = bundle.resolve("config.json");
    Path tmp = bundle.resolve(".config.json.tmp");
    try {
      Files.createDirectories(bundle);
      JSON.writeValue(tmp.toFile(), spec);
      Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      return target;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + target, e);
    }
  }

  public static com.fasterxml.jackson.databind.JsonNode toJson(OciSpec spec) {
    return JSON.valueToTree(spec);
  }
}
