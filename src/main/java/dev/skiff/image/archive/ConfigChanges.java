package dev.skiff.image.archive;

import com.fasterxml.jackson.core.type.TypeReference;
import dev.skiff.image.json.ImageConfig;
import dev.skiff.image.json.ImageJson;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Applies Dockerfile-style {@code --change} instructions to an image config, as {@code podman
 * import --change} does: CMD, ENTRYPOINT (JSON array or shell form, which becomes {@code /bin/sh
 * -c ...}), ENV ({@code k=v ...} or legacy {@code k v}), WORKDIR, USER, LABEL ({@code k=v ...},
 * quotes allowed), EXPOSE ({@code 80}, {@code 53/udp}), VOLUME and STOPSIGNAL. Anything else is
 * rejected.
 */
public final class ConfigChanges {
  private ConfigChanges() {}

  public static ImageConfig.Config apply(ImageConfig.Config base, List<String> changes)
      throws InvalidConfigChangeException {
    Builder b = new Builder(base == null ? ImageConfig.Config.EMPTY : base);
    for (String change : changes) {
      b.apply(change);
    }
    return b.build();
  }

  private static final class Builder {
    String user;
    Map<String, Object> exposedPorts;
    List<String> env;
    List<String> entrypoint;
    List<String> cmd;
    Map<String, Object> volumes;
    String workingDir;
    Map<String, String> labels;
    String stopSignal;

    Builder(ImageConfig.Config c) {
      user = c.user();
      exposedPorts = c.exposedPorts() == null ? null : new LinkedHashMap<>(c.exposedPorts());
      env = c.env() == null ? null : new ArrayList<>(c.env());
      entrypoint = c.entrypoint();
      cmd = c.cmd();
      volumes = c.volumes() == null ? null : new LinkedHashMap<>(c.volumes());
      workingDir = c.workingDir();
      labels = c.labels() == null ? null : new LinkedHashMap<>(c.labels());
      stopSignal = c.stopSignal();
    }

    void apply(String change) throws InvalidConfigChangeException {
      String trimmed = change.strip();
      int sp = indexOfSpace(trimmed);
      String keyword = (sp < 0 ? trimmed : trimmed.substring(0, sp)).toUpperCase(Locale.ROOT);
      String arg = sp < 0 ? "" : trimmed.substring(sp + 1).strip();
      if (arg.isEmpty()) {
        throw new InvalidConfigChangeException(change, "missing argument");
      }
      switch (keyword) {
        case "CMD" -> cmd = command(change, arg);
        case "ENTRYPOINT" -> entrypoint = command(change, arg);
        case "ENV" -> env(change, arg);
        case "WORKDIR" -> workingDir = arg;
        case "USER" -> user = arg;
        case "LABEL" -> {
          labels = labels == null ? new LinkedHashMap<>() : labels;
          labels.putAll(pairs(change, arg));
        }
        case "EXPOSE" -> {
          exposedPorts = exposedPorts == null ? new LinkedHashMap<>() : exposedPorts;
          for (String port : words(change, arg)) {
            exposedPorts.put(port(change, port), Map.of());
          }
        }
        case "VOLUME" -> {
          volumes = volumes == null ? new LinkedHashMap<>() : volumes;
          for (String v : arg.startsWith("[") ? jsonArray(change, arg) : words(change, arg)) {
            volumes.put(v, Map.of());
          }
        }
        case "STOPSIGNAL" -> stopSignal = arg;
        default -> throw new InvalidConfigChangeException(change, "unsupported instruction " + keyword);
      }
    }

    private void env(String change, String arg) throws InvalidConfigChangeException {
      Map<String, String> kv;
      int eq = arg.indexOf('=');
      int sp = indexOfSpace(arg);
      if (eq < 0 || (sp >= 0 && sp < eq)) {
        if (sp < 0) {
          throw new InvalidConfigChangeException(change, "ENV needs NAME=VALUE or NAME VALUE");
        }
        kv = Map.of(arg.substring(0, sp), arg.substring(sp + 1).strip());
      } else {
        kv = pairs(change, arg);
      }
      env = env == null ? new ArrayList<>() : env;
      for (Map.Entry<String, String> e : kv.entrySet()) {
        env.removeIf(s -> s.startsWith(e.getKey() + "="));
        env.add(e.getKey() + "=" + e.getValue());
      }
    }

    ImageConfig.Config build() {
      return new ImageConfig.Config(user, exposedPorts, env, entrypoint, cmd, volumes, workingDir, labels, stopSignal);
    }
  }

  private static int indexOfSpace(String s) {
    for (int i = 0; i < s.length(); i++) {
      if (Character.isWhitespace(s.charAt(i))) {
        return i;
      }
    }
    return -1;
  }

  private static List<String> command(String change, String arg) throws InvalidConfigChangeException {
    if (arg.startsWith("[")) {
      return jsonArray(change, arg);
    }
    return List.of("/bin/sh", "-c", arg);
  }

  private static List<String> jsonArray(String change, String arg) throws InvalidConfigChangeException {
    try {
      return ImageJson.mapper().readValue(arg, new TypeReference<List<String>>() {});
    } catch (Exception e) {
      throw new InvalidConfigChangeException(change, "not a JSON array of strings");
    }
  }

  private static String port(String change, String port) throws InvalidConfigChangeException {
    String[] parts = port.split("/", -1);
    if (parts.length > 2 || !parts[0].matches("[0-9]{1,5}(-[0-9]{1,5})?")
        || (parts.length == 2 && !parts[1].matches("tcp|udp|sctp"))) {
      throw new InvalidConfigChangeException(change, "invalid port \"" + port + "\"");
    }
    return parts.length == 2 ? port : port + "/tcp";
  }

  /** Shell-like words: whitespace separated, single/double quotes and backslash escapes. */
  static List<String> words(String change, String s) throws InvalidConfigChangeException {
    List<String> out = new ArrayList<>();
    StringBuilder cur = null;
    char quote = 0;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (quote != 0) {
        if (c == quote) {
          quote = 0;
        } else if (c == '\\' && quote == '"' && i + 1 < s.length()) {
          cur.append(s.charAt(++i));
        } else {
          cur.append(c);
        }
      } else if (Character.isWhitespace(c)) {
        if (cur != null) {
          out.add(cur.toString());
          cur = null;
        }
      } else {
        cur = cur == null ? new StringBuilder() : cur;
        if (c == '"' || c == '\'') {
          quote = c;
        } else if (c == '\\' && i + 1 < s.length()) {
          cur.append(s.charAt(++i));
        } else {
          cur.append(c);
        }
      }
    }
    if (quote != 0) {
      throw new InvalidConfigChangeException(change, "unterminated quote");
    }
    if (cur != null) {
      out.add(cur.toString());
    }
    return out;
  }

  private static Map<String, String> pairs(String change, String arg) throws InvalidConfigChangeException {
    Map<String, String> out = new LinkedHashMap<>();
    for (String word : words(change, arg)) {
      int eq = word.indexOf('=');
      if (eq <= 0) {
        throw new InvalidConfigChangeException(change, "expected KEY=VALUE, got \"" + word + "\"");
      }
      out.put(word.substring(0, eq), word.substring(eq + 1));
    }
    return out;
  }
}
