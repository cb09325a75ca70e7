package dev.skiff;

import dev.skiff.engine.SkiffException;
import dev.skiff.engine.SubIdAdmin;
import dev.skiff.security.SubIdGrant;
import dev.skiff.security.SubIdRange;
import dev.skiff.store.Database;
import dev.skiff.store.IdAllocationStore;
import dev.skiff.store.StoreException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * {@code skiffd subids add USER [--size N] [--force-additional] [--root DIR]}: root mode's per-user
 * subordinate ID allocation from the command line, without a running daemon. It runs {@link
 * SubIdAdmin#add}, the same method as {@code POST /libpod/skiff/subids}, and keeps clear of the
 * ranges a root daemon with store {@code --root} (default {@code /var/lib/skiff}) holds.
 */
final class SubIdsCommand {

  static final String USAGE =
      """
      Usage: skiffd subids add USER [--size N] [--force-additional] [--root DIR]

      Gives USER the next free range of N subordinate UIDs and GIDs (default 65536) from the pool
      100000-4294967294, clear of every existing /etc/subuid and /etc/subgid entry, of real users'
      uids and gids (/etc/passwd) and of the ranges the root daemon with store DIR holds, and
      appends USER:START:N to both files (atomically, keeping a backup FILE-). Root only.

      Options:
        --size N              number of IDs (default 65536)
        --force-additional    give another range to a user who already has one
        --root DIR            the root daemon's data directory (default /var/lib/skiff)
        -h, --help            print this help

      Files: -Dskiff.subuid-file, -Dskiff.subgid-file, -Dskiff.passwd-file in SKIFF_JAVA_OPTS
      (defaults /etc/subuid, /etc/subgid, /etc/passwd).
      """;

  /** Parsed command line. */
  record Args(String user, long size, boolean additional, Path root) {

    static Args parse(List<String> args) {
      if (args.isEmpty() || !args.get(0).equals("add")) {
        throw new UsageException(args.isEmpty() ? "missing command: add" : "unknown command \"" + args.get(0) + "\"");
      }
      String user = null;
      long size = 65_536;
      boolean additional = false;
      Path root = Path.of("/var/lib/skiff");
      for (int i = 1; i < args.size(); i++) {
        String a = args.get(i);
        switch (a) {
          case "--size" -> size = number(value(args, ++i, a));
          case "--force-additional" -> additional = true;
          case "--root" -> root = Path.of(value(args, ++i, a)).toAbsolutePath();
          default -> {
            if (a.startsWith("--size=")) {
              size = number(a.substring(7));
            } else if (a.startsWith("--root=")) {
              root = Path.of(a.substring(7)).toAbsolutePath();
            } else if (a.startsWith("-")) {
              throw new UsageException("unknown option \"" + a + "\"");
            } else if (user != null) {
              throw new UsageException("unexpected argument \"" + a + "\": one USER at a time");
            } else {
              user = a;
            }
          }
        }
      }
      if (user == null) {
        throw new UsageException("missing USER");
      }
      return new Args(user, size, additional, root);
    }

    private static String value(List<String> args, int i, String option) {
      if (i >= args.size() || args.get(i).isEmpty()) {
        throw new UsageException("option " + option + " needs a value");
      }
      return args.get(i);
    }

    private static long number(String s) {
      try {
        return Long.parseLong(s);
      } catch (NumberFormatException e) {
        throw new UsageException("--size \"" + s + "\" is not a number");
      }
    }
  }

  /** A command-line mistake: exit 2 with the usage hint. */
  static final class UsageException extends RuntimeException {
    UsageException(String message) {
      super(message);
    }
  }

  private SubIdsCommand() {}

  /** Runs the command; returns the exit status (0 ok, 1 refused or failed, 2 usage). */
  static int run(List<String> args, long uid, Map<String, String> props, PrintStream out, PrintStream err) {
    if (args.contains("-h") || args.contains("--help")) {
      out.print(USAGE);
      return 0;
    }
    Args a;
    try {
      a = Args.parse(args);
    } catch (UsageException e) {
      err.println("skiffd subids: " + e.getMessage() + " (see skiffd subids --help)");
      return 2;
    }
    SubIdAdmin.Locations files = new SubIdAdmin.Locations(
        Path.of(props.getOrDefault("skiff.subuid-file", "/etc/subuid")),
        Path.of(props.getOrDefault("skiff.subgid-file", "/etc/subgid")),
        Path.of(props.getOrDefault("skiff.passwd-file", "/etc/passwd")));
    if (uid != 0) {
      err.println("skiffd subids: must be run as root: it writes " + files.subuid() + " and " + files.subgid()
          + " (try `sudo skiffd subids add " + a.user() + "`)");
      return 1;
    }
    try {
      SubIdGrant g = new SubIdAdmin(files, SubIdAdmin.defaultPool(), () -> daemonRanges(a.root())).add(a.user(), a.size(), a.additional());
      out.println(files.subuid() + ": " + g.subuidLine() + " (" + g.subuid() + ")");
      out.println(files.subgid() + ": " + g.subgidLine() + " (" + g.subgid() + ")");
      return 0;
    } catch (SkiffException e) {
      String m = e.getMessage();
      err.println("skiffd subids: " + (m.endsWith(": " + e.cause()) ? m.substring(0, m.length() - e.cause().length() - 2) : m));
      return 1;
    } catch (StoreException e) {
      err.println("skiffd subids: " + e.getMessage());
      return 1;
    }
  }

  /** The allocations of the root daemon whose store is in {@code root}, if there is one. */
  private static Collection<SubIdRange> daemonRanges(Path root) {
    if (!Files.exists(root.resolve(Database.FILE_NAME))) {
      return List.of();
    }
    List<SubIdRange> ranges = new ArrayList<>();
    try (Database db = Database.open(root)) {
      new IdAllocationStore(db).all().forEach(al -> Stream.of(SubIdRange.of(al.uidStart(), al.size()),
          SubIdRange.of(al.gidStart(), al.size())).forEach(ranges::add));
    }
    return ranges;
  }
}
