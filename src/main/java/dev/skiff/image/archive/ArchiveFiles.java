package dev.skiff.image.archive;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Name handling for entries inside image archives (names only; nothing is written by name). */
final class ArchiveFiles {
  private static final Pattern HEX_NAME = Pattern.compile("(?:.*/)?(?:sha256:)?([0-9a-f]{64})(?:\\.json)?");

  private ArchiveFiles() {}

  /** {@code ./a//b/} → {@code a/b}; {@code ..} components are resolved lexically and clamp at the top. */
  static String clean(String name) {
    Deque<String> parts = new ArrayDeque<>();
    for (String p : name.split("/")) {
      if (p.isEmpty() || p.equals(".")) {
        continue;
      }
      if (p.equals("..")) {
        parts.pollLast();
      } else {
        parts.addLast(p);
      }
    }
    return String.join("/", parts);
  }

  /** Target of a symlink entry {@code name -> target}, as an archive name. */
  static String resolveSibling(String name, String target) {
    if (target.startsWith("/")) {
      return clean(target);
    }
    int slash = name.lastIndexOf('/');
    return clean((slash < 0 ? "" : name.substring(0, slash + 1)) + target);
  }

  /** The 64-hex id a config file name carries ({@code <hex>.json}, {@code blobs/sha256/<hex>}), or null. */
  static String hexName(String name) {
    Matcher m = HEX_NAME.matcher(clean(name));
    return m.matches() ? m.group(1) : null;
  }

  static void deleteTree(Path dir) throws IOException {
    if (!Files.exists(dir, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    Files.walkFileTree(dir, new SimpleFileVisitor<>() {
      @Override
      public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
        Files.delete(file);
        return FileVisitResult.CONTINUE;
      }

      @Override
      public FileVisitResult postVisitDirectory(Path d, IOException exc) throws IOException {
        Files.delete(d);
        return FileVisitResult.CONTINUE;
      }
    });
  }
}
