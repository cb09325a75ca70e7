package dev.skiff.engine.container;

import dev.skiff.engine.InvalidArgumentException;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.List;
import java.util.regex.Pattern;

/** Container ids and names: validation and generation. */
public final class ContainerNames {

  private static final Pattern NAME = Pattern.compile("[a-zA-Z0-9][a-zA-Z0-9_.-]*");
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final List<String> ADJECTIVES = List.of("brave", "calm", "eager", "fond", "gentle", "happy",
      "jolly", "keen", "lucid", "merry", "nimble", "proud", "quiet", "swift", "tidy", "vivid", "wise", "zealous");
  private static final List<String> NOUNS = List.of("otter", "heron", "lynx", "puffin", "marten", "ibis",
      "gecko", "tapir", "wren", "orca", "koala", "bison", "crane", "finch", "newt", "yak", "panda", "raven");

  private ContainerNames() {}

  public static void validate(String name) {
    if (!NAME.matcher(name).matches() || name.length() > 253) {
      throw new InvalidArgumentException("invalid container name \"" + name
          + "\": names must match [a-zA-Z0-9][a-zA-Z0-9_.-]*");
    }
  }

  public static String newId() {
    byte[] b = new byte[32];
    RANDOM.nextBytes(b);
    return HexFormat.of().formatHex(b);
  }

  public static String randomName() {
    return ADJECTIVES.get(RANDOM.nextInt(ADJECTIVES.size())) + "_" + NOUNS.get(RANDOM.nextInt(NOUNS.size()));
  }
}
