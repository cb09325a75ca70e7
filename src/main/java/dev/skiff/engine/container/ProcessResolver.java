package dev.skiff.engine.container;

import dev.skiff.engine.InvalidArgumentException;
import dev.skiff.image.json.ImageConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The process part of a container: command line, environment, working directory and user, from
 * the image config and the request (Docker semantics: an explicit entrypoint resets the image's
 * Cmd; the request's command replaces Cmd).
 */
final class ProcessResolver {

  static final String DEFAULT_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

  private ProcessResolver() {}

  /** Entrypoint and command, kept apart so inspect can show them. */
  record CommandLine(List<String> entrypoint, List<String> cmd) {
    List<String> args() {
      List<String> a = new ArrayList<>(entrypoint);
      a.addAll(cmd);
      return a;
    }
  }

  static CommandLine commandLine(ContainerSpec.Basic b, ImageConfig.Config image) {
    List<String> ep = b.entrypoint() != null ? b.entrypoint() : orEmpty(image.entrypoint());
    List<String> cmd = !b.command().isEmpty() ? b.command() : b.entrypoint() != null ? List.of() : orEmpty(image.cmd());
    CommandLine cl = new CommandLine(List.copyOf(ep), List.copyOf(cmd));
    if (cl.args().isEmpty()) {
      throw new InvalidArgumentException("no command or entrypoint provided, and no CMD or ENTRYPOINT from image");
    }
    return cl;
  }

  static List<String> env(ContainerSpec.Basic b, ImageConfig.Config image, String hostname) {
    Map<String, String> env = new LinkedHashMap<>();
    env.put("PATH", DEFAULT_PATH);
    for (String e : orEmpty(image.env())) {
      int eq = e.indexOf('=');
      if (eq > 0) {
        env.put(e.substring(0, eq), e.substring(eq + 1));
      }
    }
    env.put("container", "skiff");
    env.put("HOSTNAME", hostname);
    b.env().forEach((k, v) -> {
      if (k.isEmpty() || k.contains("=")) {
        throw new InvalidArgumentException("invalid environment variable name \"" + k + "\"");
      }
      env.put(k, v);
    });
    env.putIfAbsent("HOME", "/root");
    List<String> out = new ArrayList<>();
    env.forEach((k, v) -> out.add(k + "=" + v));
    return out;
  }

  static String cwd(ContainerSpec.Basic b, ImageConfig.Config image) {
    String wd = !b.workDir().isEmpty() ? b.workDir() : image.workingDir() == null || image.workingDir().isEmpty() ? "/"
        : image.workingDir();
    if (!wd.startsWith("/")) {
      throw new InvalidArgumentException("invalid working directory \"" + wd + "\": it must be an absolute path");
    }
    return wd;
  }

  /** A resolved user: uid, gid and supplementary gids inside the container. */
  record User(long uid, long gid, List<Long> additionalGids, String home) {}

  /**
   * Resolves "user[:group]" (names or numbers) against the image's /etc/passwd and /etc/group,
   * read from its layers (top first). An unknown name is an error; unknown numbers are allowed.
   */
  static User user(String spec, List<Path> layersTopFirst) {
    if (spec == null || spec.isEmpty()) {
      return new User(0, 0, List.of(), "/root");
    }
    String[] ug = spec.split(":", 2);
    List<String[]> passwd = table(layersTopFirst, "etc/passwd");
    long uid;
    long gid;
    String home = "/";
    Optional<String[]> pw = find(passwd, ug[0]);
    if (ug[0].matches("[0-9]+")) {
      uid = Long.parseLong(ug[0]);
      gid = pw.filter(p -> p.length > 3).map(p -> Long.parseLong(p[3])).orElse(uid == 0 ? 0L : uid);
    } else if (pw.isPresent() && pw.get().length > 3) {
      uid = Long.parseLong(pw.get()[2]);
      gid = Long.parseLong(pw.get()[3]);
    } else {
      throw new InvalidArgumentException("unable to find user " + ug[0] + ": no matching entries in passwd file");
    }
    if (pw.isPresent() && pw.get().length > 5) {
      home = pw.get()[5];
    }
    if (ug.length == 2) {
      gid = group(ug[1], table(layersTopFirst, "etc/group"));
    }
    if (uid > 0xFFFFFFFEL || gid > 0xFFFFFFFEL) {
      throw new InvalidArgumentException("invalid user \"" + spec + "\": ids must be below 4294967295");
    }
    return new User(uid, gid, List.of(), home);
  }

  private static long group(String g, List<String[]> groups) {
    if (g.matches("[0-9]+")) {
      return Long.parseLong(g);
    }
    return find(groups, g).filter(e -> e.length > 2).map(e -> Long.parseLong(e[2]))
        .orElseThrow(() -> new InvalidArgumentException("unable to find group " + g + ": no matching entries in group file"));
  }

  private static Optional<String[]> find(List<String[]> table, String key) {
    boolean numeric = key.matches("[0-9]+");
    return table.stream().filter(e -> numeric ? e.length > 2 && e[2].equals(key) : e[0].equals(key)).findFirst();
  }

  /** Reads a colon-separated table from the topmost layer that has it (not following symlinks out). */
  static List<String[]> table(List<Path> layersTopFirst, String rel) {
    for (Path layer : layersTopFirst) {
      Path p = layer.resolve(rel);
      if (Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
        try {
          return Files.readAllLines(p).stream().filter(l -> !l.startsWith("#")).map(l -> l.split(":", -1)).toList();
        } catch (IOException e) {
          return List.of();
        }
      }
    }
    return List.of();
  }

  private static <T> List<T> orEmpty(List<T> l) {
    return l == null ? List.of() : l;
  }
}
