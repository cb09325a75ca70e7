package dev.skiff.store;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/**
 * Where rootless layer copies live: {@code <root>/storage/mapped/<shift key>/<layer dir name>}. A
 * copy is written under a temporary name ({@code .tmp-<layer>-<random>}) in its shift's directory
 * and renamed into place when complete, so a complete-looking copy is always complete.
 */
public final class MappedLayerDirs {

  private static final String TMP = ".tmp-";
  private final Path dir;

  public MappedLayerDirs(Path root) {
    this.dir = root.resolve("storage").resolve("mapped");
  }

  /** The copy of {@code layer} for a shift, whether or not it exists. */
  public Path copy(String key, Path layer) {
    return dir.resolve(key).resolve(layer.getFileName().toString());
  }

  public boolean isComplete(Path copy) {
    return Files.isDirectory(copy, LinkOption.NOFOLLOW_LINKS);
  }

  /** A fresh temporary name for the copy (its shift's directory is created). */
  public Path temporary(Path copy) {
    try {
      Files.createDirectories(copy.getParent());
    } catch (IOException e) {
      throw new StoreException("cannot create " + copy.getParent() + ": " + e.getMessage(), e);
    }
    return copy.resolveSibling(TMP + copy.getFileName() + "-" + UUID.randomUUID());
  }

  /** Puts a finished temporary copy in place (one rename). */
  public void commit(Path temporary, Path copy) throws IOException {
    Files.move(temporary, copy, StandardCopyOption.ATOMIC_MOVE);
  }

  /** Shift directories whose key is not in {@code used}, and temporary copies in the others. */
  public List<Path> unused(Set<String> used) throws IOException {
    List<Path> out = new ArrayList<>();
    if (!Files.isDirectory(dir)) {
      return out;
    }
    try (var keys = Files.list(dir)) {
      for (Path k : keys.toList()) {
        if (!used.contains(k.getFileName().toString())) {
          out.add(k);
          continue;
        }
        try (var copies = Files.list(k)) {
          copies.filter(c -> c.getFileName().toString().startsWith(TMP)).forEach(out::add);
        }
      }
    }
    return out;
  }
}
