package dev.skiff.runtime;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/** Where the skiff-shim binary is and whether it can be run. */
public record ShimBinary(Optional<Path> path) {

  /** Empty when usable; otherwise why not. */
  public Optional<String> problem() {
    if (path.isEmpty()) {
      return Optional.of("skiff-shim not configured (start skiffd through bin/skiffd or pass --shim PATH)");
    }
    Path p = path.get();
    if (!Files.exists(p)) {
      return Optional.of("skiff-shim not found at " + p + " (run `make build`)");
    }
    if (!Files.isRegularFile(p) || !Files.isExecutable(p)) {
      return Optional.of("skiff-shim at " + p + " is not an executable file");
    }
    return Optional.empty();
  }
}
