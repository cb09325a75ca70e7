package dev.skiff.image;

import java.util.ArrayList;
import java.util.List;

/**
 * Turns a short name ({@code busybox}) into the fully qualified candidates to try, in order, one
 * per configured search registry (default {@code localhost}, then {@code docker.io}). Only the
 * configured registries are ever produced: a short name never reaches a registry the user did
 * not list. A fully qualified reference is its own single candidate.
 */
public final class ShortNameResolver {
  public static final List<String> DEFAULT_SEARCH_REGISTRIES = List.of("localhost", "docker.io");

  private final List<String> searchRegistries;

  /** @throws IllegalArgumentException when a search entry is not a registry host[:port] */
  public ShortNameResolver(List<String> searchRegistries) {
    for (String registry : searchRegistries) {
      try {
        ImageReference r = ImageReference.parse(registry + "/x");
        if (r.isShortName() && !registry.equals(ImageReference.DOCKER_HUB)) {
          throw new IllegalArgumentException("not a registry host: \"" + registry + "\"");
        }
      } catch (InvalidImageReferenceException e) {
        throw new IllegalArgumentException("invalid search registry \"" + registry + "\"", e);
      }
    }
    this.searchRegistries = List.copyOf(searchRegistries);
  }

  public ShortNameResolver() {
    this(DEFAULT_SEARCH_REGISTRIES);
  }

  /** The candidates for {@code input}, most preferred first. */
  public List<ImageReference> candidates(String input) throws InvalidImageReferenceException {
    ImageReference ref = ImageReference.parse(input);
    if (!ref.isShortName()) {
      return List.of(ref);
    }
    List<ImageReference> out = new ArrayList<>();
    for (String registry : searchRegistries) {
      ImageReference candidate = ref.withRegistry(registry);
      if (!out.contains(candidate)) {
        out.add(candidate);
      }
    }
    return List.copyOf(out);
  }

  public List<String> searchRegistries() {
    return searchRegistries;
  }
}
