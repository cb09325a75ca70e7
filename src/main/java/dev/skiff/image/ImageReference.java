package dev.skiff.image;

import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A normalised image reference {@code registry/repository[:tag][@digest]}, parsed with the rules
 * of the Docker distribution reference grammar: {@code busybox} becomes {@code
 * docker.io/library/busybox:latest}; the first component is a registry only when it contains
 * {@code .} or {@code :}, is {@code localhost}, or has uppercase letters; repository components
 * are lowercase. A reference with neither tag nor digest gets the tag {@code latest}.
 *
 * <p>{@link #isShortName()} remembers whether the input named a registry; equality ignores it.
 */
public final class ImageReference {
  public static final String DOCKER_HUB = "docker.io";
  public static final String DEFAULT_TAG = "latest";
  private static final int MAX_NAME_LENGTH = 255;

  private static final String DOMAIN_COMPONENT = "(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])";
  private static final Pattern DOMAIN =
      Pattern.compile(DOMAIN_COMPONENT + "(?:\\." + DOMAIN_COMPONENT + ")*(?::[0-9]+)?");
  private static final Pattern PATH_COMPONENT =
      Pattern.compile("[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*");
  private static final Pattern TAG = Pattern.compile("[\\w][\\w.-]{0,127}");

  private final String registry;
  private final String repository;
  private final String tag;
  private final Digest digest;
  private final boolean shortName;

  private ImageReference(
      String registry, String repository, String tag, Digest digest, boolean shortName) {
    this.registry = registry;
    this.repository = repository;
    this.tag = tag;
    this.digest = digest;
    this.shortName = shortName;
  }

  /** Parses and normalises {@code s}; throws quoting {@code s} when it is not a reference. */
  public static ImageReference parse(String s) throws InvalidImageReferenceException {
    if (s == null || s.isEmpty()) {
      throw new InvalidImageReferenceException(String.valueOf(s), "empty reference");
    }
    String rest = s;
    Digest digest = null;
    int at = rest.indexOf('@');
    if (at >= 0) {
      digest = parseDigest(s, rest.substring(at + 1));
      rest = rest.substring(0, at);
    }
    String tag = null;
    int lastSlash = rest.lastIndexOf('/');
    int colon = rest.lastIndexOf(':');
    if (colon > lastSlash) {
      tag = rest.substring(colon + 1);
      rest = rest.substring(0, colon);
      if (!TAG.matcher(tag).matches()) {
        throw new InvalidImageReferenceException(s, "invalid tag \"" + tag + "\"");
      }
    }
    return fromName(s, rest, tag, digest);
  }

  private static Digest parseDigest(String input, String digest)
      throws InvalidImageReferenceException {
    try {
      return Digest.parse(digest);
    } catch (InvalidDigestException e) {
      throw new InvalidImageReferenceException(input, e.getMessage());
    }
  }

  private static ImageReference fromName(String input, String name, String tag, Digest digest)
      throws InvalidImageReferenceException {
    if (name.isEmpty()) {
      throw new InvalidImageReferenceException(input, "missing repository name");
    }
    if (name.length() > MAX_NAME_LENGTH) {
      throw new InvalidImageReferenceException(input, "repository name longer than 255 characters");
    }
    String registry = DOCKER_HUB;
    String path = name;
    boolean shortName = true;
    int slash = name.indexOf('/');
    if (slash >= 0 && isDomain(name.substring(0, slash))) {
      registry = name.substring(0, slash);
      path = name.substring(slash + 1);
      shortName = false;
      if (!DOMAIN.matcher(registry).matches()) {
        throw new InvalidImageReferenceException(input, "invalid registry \"" + registry + "\"");
      }
    }
    checkPath(input, path);
    if (registry.equals("index.docker.io")) {
      registry = DOCKER_HUB;
    }
    if (registry.equals(DOCKER_HUB) && path.indexOf('/') < 0) {
      path = "library/" + path;
    }
    if (tag == null && digest == null) {
      tag = DEFAULT_TAG;
    }
    return new ImageReference(registry, path, tag, digest, shortName);
  }

  private static boolean isDomain(String first) {
    return first.contains(".")
        || first.contains(":")
        || first.equals("localhost")
        || !first.equals(first.toLowerCase(java.util.Locale.ROOT));
  }

  private static void checkPath(String input, String path) throws InvalidImageReferenceException {
    for (String component : path.split("/", -1)) {
      if (!PATH_COMPONENT.matcher(component).matches()) {
        String why =
            component.equals(component.toLowerCase(java.util.Locale.ROOT))
                ? "invalid repository component \"" + component + "\""
                : "repository name must be lowercase";
        throw new InvalidImageReferenceException(input, why);
      }
    }
  }

  /** A copy with the given registry, for short-name resolution. */
  ImageReference withRegistry(String newRegistry) {
    String path = repository;
    if (registry.equals(DOCKER_HUB) && path.startsWith("library/") && !newRegistry.equals(DOCKER_HUB)) {
      path = path.substring("library/".length());
    }
    if (newRegistry.equals(DOCKER_HUB) && path.indexOf('/') < 0) {
      path = "library/" + path;
    }
    return new ImageReference(newRegistry, path, tag, digest, false);
  }

  /** A copy with another tag (and no digest), as {@code podman tag} makes. */
  public ImageReference withTag(String newTag) throws InvalidImageReferenceException {
    if (newTag == null || !TAG.matcher(newTag).matches()) {
      throw new InvalidImageReferenceException(String.valueOf(newTag), "invalid tag");
    }
    return new ImageReference(registry, repository, newTag, null, shortName);
  }

  public String registry() {
    return registry;
  }

  /** The path below the registry, e.g. {@code library/busybox}. */
  public String repository() {
    return repository;
  }

  public Optional<String> tag() {
    return Optional.ofNullable(tag);
  }

  public Optional<Digest> digest() {
    return Optional.ofNullable(digest);
  }

  /** True when the parsed input did not name a registry ({@code busybox}, {@code a/b:t}). */
  public boolean isShortName() {
    return shortName;
  }

  /** {@code registry/repository}, without tag or digest. */
  public String name() {
    return registry + "/" + repository;
  }

  @Override
  public String toString() {
    return name() + (tag == null ? "" : ":" + tag) + (digest == null ? "" : "@" + digest);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ImageReference r
        && r.registry.equals(registry)
        && r.repository.equals(repository)
        && Objects.equals(r.tag, tag)
        && Objects.equals(r.digest, digest);
  }

  @Override
  public int hashCode() {
    return Objects.hash(registry, repository, tag, digest);
  }
}
