package dev.skiff.security;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Podman's {@code --userns} value: {@code ""} (default), {@code host}, {@code private}, {@code
 * nomap}, {@code keep-id[:uid=U,gid=G]}, {@code auto[:size=N,uidmapping=C:H:S,gidmapping=C:H:S]} or
 * {@code ns:PATH}.
 */
public sealed interface UsernsMode {

  /** {@code ""}: the daemon's default (rootless: the user's namespace; root: an auto range). */
  record Default() implements UsernsMode {}

  /** {@code host}: no new user namespace beyond the daemon's own. */
  record Host() implements UsernsMode {}

  /** {@code private}: a new user namespace with the default mapping. */
  record Private() implements UsernsMode {}

  /** {@code nomap}: the daemon's user is not mapped into the container (rootless only). */
  record NoMap() implements UsernsMode {}

  /** {@code keep-id}: the user keeps their uid/gid inside the container (rootless only). */
  record KeepId(OptionalLong uid, OptionalLong gid) implements UsernsMode {}

  /** {@code auto}: a private, non-overlapping range carved from the daemon's range. */
  record Auto(OptionalLong size, List<IdMapping> uidMappings, List<IdMapping> gidMappings)
      implements UsernsMode {
    public Auto {
      uidMappings = List.copyOf(uidMappings);
      gidMappings = List.copyOf(gidMappings);
    }
  }

  /** {@code ns:PATH}: join an existing user namespace. */
  record Path(String path) implements UsernsMode {
    public Path {
      Objects.requireNonNull(path, "path");
    }
  }

  /**
   * Parses a {@code --userns} value.
   *
   * @throws InvalidSecuritySettingException quoting the value for unknown modes or options
   */
  static UsernsMode parse(String value) {
    String text = value == null ? "" : value.strip();
    int colon = text.indexOf(':');
    String mode = colon < 0 ? text : text.substring(0, colon);
    String options = colon < 0 ? "" : text.substring(colon + 1);
    return switch (mode) {
      case "" -> new Default();
      case "host" -> noOptions(new Host(), text, options);
      case "private" -> noOptions(new Private(), text, options);
      case "nomap" -> noOptions(new NoMap(), text, options);
      case "keep-id" -> parseKeepId(text, options);
      case "auto" -> parseAuto(text, options);
      case "ns" -> parsePath(text, options);
      default ->
          throw invalid(
              text,
              "unknown mode \""
                  + mode
                  + "\"; expected host, private, nomap, keep-id, auto or ns:PATH");
    };
  }

  private static UsernsMode noOptions(UsernsMode mode, String text, String options) {
    if (!options.isEmpty()) {
      throw invalid(text, "this mode takes no options");
    }
    return mode;
  }

  private static UsernsMode parsePath(String text, String path) {
    if (!path.startsWith("/")) {
      throw invalid(text, "ns: needs an absolute path to a user namespace");
    }
    return new Path(path);
  }

  private static UsernsMode parseKeepId(String text, String options) {
    OptionalLong uid = OptionalLong.empty();
    OptionalLong gid = OptionalLong.empty();
    for (Map.Entry<String, String> option : options(text, options)) {
      switch (option.getKey()) {
        case "uid" -> uid = OptionalLong.of(number(text, option));
        case "gid" -> gid = OptionalLong.of(number(text, option));
        default -> throw invalid(text, "unknown keep-id option \"" + option.getKey() + "\"");
      }
    }
    return new KeepId(uid, gid);
  }

  private static UsernsMode parseAuto(String text, String options) {
    OptionalLong size = OptionalLong.empty();
    List<IdMapping> uids = new ArrayList<>();
    List<IdMapping> gids = new ArrayList<>();
    for (Map.Entry<String, String> option : options(text, options)) {
      switch (option.getKey()) {
        case "size" -> size = OptionalLong.of(positive(text, option));
        case "uidmapping" -> uids.add(IdMapping.parse(option.getValue()));
        case "gidmapping" -> gids.add(IdMapping.parse(option.getValue()));
        default -> throw invalid(text, "unknown auto option \"" + option.getKey() + "\"");
      }
    }
    return new Auto(size, uids, gids);
  }

  private static List<Map.Entry<String, String>> options(String text, String options) {
    List<Map.Entry<String, String>> result = new ArrayList<>();
    for (String option : options.isEmpty() ? new String[0] : options.split(",")) {
      int eq = option.indexOf('=');
      if (eq <= 0) {
        throw invalid(text, "option \"" + option + "\" must be KEY=VALUE");
      }
      result.add(Map.entry(option.substring(0, eq), option.substring(eq + 1)));
    }
    return result;
  }

  private static long number(String text, Map.Entry<String, String> option) {
    try {
      long n = Long.parseLong(option.getValue());
      if (n < 0 || n >= SubIdRange.ID_LIMIT) {
        throw new NumberFormatException();
      }
      return n;
    } catch (NumberFormatException e) {
      throw invalid(text, option.getKey() + " \"" + option.getValue() + "\" is not a valid ID");
    }
  }

  private static long positive(String text, Map.Entry<String, String> option) {
    long n = number(text, option);
    if (n == 0) {
      throw invalid(text, "size must be greater than 0");
    }
    return n;
  }

  private static InvalidSecuritySettingException invalid(String text, String reason) {
    return new InvalidSecuritySettingException("invalid --userns \"" + text + "\": " + reason);
  }

  /** The requested auto size, if this is {@code auto:size=N}. */
  default Optional<Long> autoSize() {
    return this instanceof Auto a && a.size().isPresent()
        ? Optional.of(a.size().getAsLong())
        : Optional.empty();
  }
}
