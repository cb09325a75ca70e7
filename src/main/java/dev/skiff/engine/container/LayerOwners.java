package dev.skiff.engine.container;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The highest file owner (uid or gid, on disk) in extracted image layers, for sizing
 * {@code --userns=auto} ranges as Podman does from its layer metadata. Layers are immutable once
 * extracted, so each directory is walked once and remembered.
 */
final class LayerOwners {

  private static final Map<Path, Long> HIGHEST = new ConcurrentHashMap<>();

  private LayerOwners() {}

  /** The highest on-disk uid or gid of any file in {@code layers}, or -1 when unreadable/empty. */
  static long highestOnDisk(List<Path> layers) {
    return layers.stream().mapToLong(l -> HIGHEST.computeIfAbsent(l, LayerOwners::walk)).max().orElse(-1);
  }

  private static long walk(Path layer) {
    long[] max = {-1};
    try {
      Files.walkFileTree(layer, new SimpleFileVisitor<>() {
        @Override
        public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) throws IOException {
          note(dir);
          return FileVisitResult.CONTINUE;
        }

        @Override
        public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
          note(file);
          return FileVisitResult.CONTINUE;
        }

        @Override
        public FileVisitResult visitFileFailed(Path file, IOException e) {
          return FileVisitResult.CONTINUE;
        }

        private void note(Path p) throws IOException {
          Map<String, Object> a = Files.readAttributes(p, "unix:uid,gid", LinkOption.NOFOLLOW_LINKS);
          max[0] = Math.max(max[0], Math.max(((Number) a.get("uid")).longValue() & 0xffffffffL,
              ((Number) a.get("gid")).longValue() & 0xffffffffL));
        }
      });
    } catch (IOException | UnsupportedOperationException e) {
      return -1;
    }
    return max[0];
  }
}
