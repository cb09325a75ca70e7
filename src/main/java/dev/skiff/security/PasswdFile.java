package dev.skiff.security;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;

/**
 * The users of an {@code /etc/passwd}-format file ({@code name:password:uid:gid:gecos:home:shell}).
 * Used in root mode to know which users exist and which host IDs real users and their primary
 * groups hold, so that subordinate ranges never cover them. Lines that are not well-formed (NIS
 * {@code +} entries, comments) are skipped: this file is read, never written.
 */
public record PasswdFile(List<User> users) {

  /** One account: its name, uid and primary gid. */
  public record User(String name, long uid, long gid) {}

  public PasswdFile {
    users = List.copyOf(users);
  }

  public static PasswdFile parse(Path path) {
    try {
      return parse(Files.readString(path, StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException("reading " + path, e);
    }
  }

  public static PasswdFile parse(String content) {
    List<User> users = new ArrayList<>();
    for (String line : content.split("\n")) {
      String[] f = line.split(":", -1);
      if (f.length >= 4 && !f[0].isEmpty() && !f[0].startsWith("#") && !f[0].startsWith("+")
          && isId(f[2]) && isId(f[3])) {
        users.add(new User(f[0], Long.parseLong(f[2]), Long.parseLong(f[3])));
      }
    }
    return new PasswdFile(users);
  }

  private static boolean isId(String s) {
    return !s.isEmpty() && s.length() <= 10 && s.chars().allMatch(Character::isDigit);
  }

  public Optional<User> user(String name) {
    return users.stream().filter(u -> u.name().equals(name)).findFirst();
  }

  /** Every uid and primary gid in the file, sorted: host IDs a subordinate range must not cover. */
  public List<Long> realIds() {
    TreeSet<Long> ids = new TreeSet<>();
    users.forEach(u -> {
      ids.add(u.uid());
      ids.add(u.gid());
    });
    return List.copyOf(ids);
  }
}
