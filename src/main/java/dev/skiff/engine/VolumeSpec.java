package dev.skiff.engine;

import java.util.Map;
import java.util.regex.Pattern;

/**
 * A request to create a volume. Only the {@code local} driver exists; options are refused rather
 * than silently ignored, because none is implemented.
 *
 * @param name optional; a random name is chosen when empty
 */
public record VolumeSpec(String name, String driver, Map<String, String> labels, Map<String, String> options) {

  private static final Pattern NAME = Pattern.compile("[a-zA-Z0-9][a-zA-Z0-9_.-]*");

  public VolumeSpec {
    name = name == null ? "" : name;
    driver = driver == null || driver.isEmpty() ? "local" : driver;
    labels = labels == null ? Map.of() : Map.copyOf(labels);
    options = options == null ? Map.of() : Map.copyOf(options);
  }

  /** Checks the spec; throws {@link InvalidArgumentException} naming the problem. */
  public void validate() {
    if (!name.isEmpty() && (!NAME.matcher(name).matches() || name.length() > 255)) {
      throw new InvalidArgumentException("invalid volume name \"" + name
          + "\": names must match [a-zA-Z0-9][a-zA-Z0-9_.-]* and be at most 255 characters");
    }
    if (!driver.equals("local")) {
      throw new InvalidArgumentException("volume driver \"" + driver + "\" is not supported: only \"local\" is");
    }
    if (!options.isEmpty()) {
      throw new InvalidArgumentException("volume options " + options.keySet()
          + " are not supported yet by the local driver of skiffd");
    }
  }
}
