package dev.skiff.engine.image;

import dev.skiff.config.SkiffConfig;
import dev.skiff.engine.InvalidArgumentException;
import dev.skiff.engine.NoSuchObjectException;
import dev.skiff.engine.SkiffException;
import dev.skiff.image.ImageReference;
import dev.skiff.image.InvalidImageReferenceException;
import dev.skiff.image.archive.ImageArchiveReader;
import dev.skiff.image.archive.ImageUnpacker;
import dev.skiff.image.archive.StoredImage;
import dev.skiff.image.layer.FilesystemLayerStore;
import dev.skiff.image.layer.LayerExtractionException;
import dev.skiff.image.registry.CertsDirs;
import dev.skiff.image.registry.HttpClients;
import dev.skiff.image.registry.ImagePuller;
import dev.skiff.image.registry.RegistryAuth;
import dev.skiff.image.registry.RegistryClient;
import dev.skiff.image.registry.RegistryException;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.net.http.HttpClient;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Pulls from registries: pull policies, short names through the configured search list (never
 * any other registry), TLS/insecure choice per registry, credentials from {@code X-Registry-Auth},
 * then {@link ImagePuller} stages and {@link ImageUnpacker} stores, so a failed pull leaves
 * neither files nor rows.
 */
@ApplicationScoped
public class PullService {

  /** When to contact the registry. */
  public enum Policy {
    /** Always pull (layers already present are not downloaded again). */
    ALWAYS,
    /** Pull only when no local image has the name. */
    MISSING,
    /** Never pull; a missing image is an error. */
    NEVER,
    /** Pull, and fall back to the local image when the registry cannot be reached. */
    NEWER;

    public static Policy parse(String s) {
      if (s == null || s.isEmpty()) {
        return ALWAYS;
      }
      try {
        return valueOf(s.toUpperCase(Locale.ROOT));
      } catch (IllegalArgumentException e) {
        throw new InvalidArgumentException("invalid pull policy \"" + s + "\": use always, missing, never or newer");
      }
    }
  }

  /**
   * A checked pull request.
   *
   * @param input the reference as the client typed it
   * @param tlsVerify empty: the registry's configuration decides
   */
  public record Request(String input, List<ImageReference> candidates, Policy policy, Optional<Boolean> tlsVerify,
      RegistryAuth auth, boolean allTags) {}

  /** A failed pull, with podman's wording; the cause is the message's last clause ("manifest unknown"). */
  public static final class PullFailedException extends SkiffException {
    public PullFailedException(String message) {
      super(message, message.substring(message.lastIndexOf(": ") + 1).strip());
    }
  }

  private final ImageService images;
  private final List<String> insecure;
  private final CertsDirs certsDirs;
  private final Map<Path, HttpClient> caClients = new ConcurrentHashMap<>();

  public PullService(ImageService images, SkiffConfig config) {
    this.images = images;
    this.insecure = config.insecureRegistries().orElse(List.of());
    this.certsDirs = new CertsDirs(config.registryCertsDirs().orElseGet(() -> defaultCertsDirs(config.rootless())));
  }

  static List<Path> defaultCertsDirs(boolean rootless) {
    List<Path> dirs = new ArrayList<>();
    String home = System.getProperty("user.home");
    if (rootless && home != null && !home.isBlank()) {
      dirs.add(Path.of(home, ".config/containers/certs.d"));
    }
    dirs.add(Path.of("/etc/containers/certs.d"));
    dirs.add(Path.of("/etc/docker/certs.d"));
    return dirs;
  }

  /** Validates everything a client can get wrong, before any response byte is sent (400s). */
  public Request prepare(String reference, String policy, Boolean tlsVerify, String authHeader, boolean allTags) {
    if (reference == null || reference.isBlank()) {
      throw new InvalidArgumentException("pull needs a reference");
    }
    String ref = reference.strip();
    if (ref.startsWith("docker://")) {
      ref = ref.substring("docker://".length());
    } else if (ref.contains("://") || ref.matches("^(docker-archive|oci-archive|oci|dir|containers-storage|docker-daemon):.*")) {
      throw new InvalidArgumentException("unsupported transport in \"" + reference + "\": only docker transport is"
          + " supported");
    }
    List<ImageReference> candidates;
    try {
      candidates = images.shortNames().candidates(ref);
    } catch (InvalidImageReferenceException e) {
      throw new InvalidArgumentException(e.getMessage(), e);
    }
    RegistryAuth auth;
    try {
      auth = RegistryAuth.decode(authHeader);
    } catch (IllegalArgumentException e) {
      throw new InvalidArgumentException("invalid X-Registry-Auth header: " + e.getMessage(), e);
    }
    if (allTags && candidates.get(0).digest().isPresent()) {
      throw new InvalidArgumentException("allTags cannot be combined with a digest");
    }
    return new Request(reference, candidates, Policy.parse(policy), Optional.ofNullable(tlsVerify), auth, allTags);
  }

  /** Runs the pull; returns the ids (64 hex) of the images pulled or found. */
  public List<String> pull(Request req, ImagePuller.Listener listener) {
    Optional<ImageRecord> local = req.allTags() ? Optional.empty() : images.find(req.input());
    if (local.isPresent() && (req.policy() == Policy.MISSING || req.policy() == Policy.NEVER)) {
      return List.of(local.get().id());
    }
    if (req.policy() == Policy.NEVER) {
      throw new NoSuchObjectException(req.input() + ": image not known", "image not known");
    }
    List<String> errors = new ArrayList<>();
    for (ImageReference candidate : req.candidates()) {
      try {
        return req.allTags() ? pullAllTags(candidate, req, listener) : List.of(pullOne(candidate, req, listener));
      } catch (RegistryException e) {
        errors.add("initializing source docker://" + candidate + ": " + e.getMessage());
      }
    }
    if (req.policy() == Policy.NEWER && local.isPresent()) {
      return List.of(local.get().id());
    }
    throw new PullFailedException(String.join("; ", errors));
  }

  private List<String> pullAllTags(ImageReference repo, Request req, ImagePuller.Listener listener)
      throws RegistryException {
    RegistryClient client = client(repo.registry(), req);
    List<String> ids = new ArrayList<>();
    for (String tag : client.tags(repo.repository())) {
      try {
        ids.add(pullOne(repo.withTag(tag), req, listener));
      } catch (InvalidImageReferenceException e) {
        throw new RegistryException(RegistryException.Kind.INVALID, "the registry lists an invalid tag: " + tag, e);
      }
    }
    if (ids.isEmpty()) {
      throw new RegistryException(RegistryException.Kind.NOT_FOUND, repo.name() + " has no tags");
    }
    return ids;
  }

  private String pullOne(ImageReference ref, Request req, ImagePuller.Listener listener) throws RegistryException {
    RegistryClient client = client(ref.registry(), req);
    try (ImageService.LayersPinned pin = images.pinLayers()) {
      return pullPinned(ref, client, listener);
    }
  }

  private String pullPinned(ImageReference ref, RegistryClient client, ImagePuller.Listener listener)
      throws RegistryException {
    FilesystemLayerStore layers = images.layers();
    ImagePuller.Pulled pulled;
    try {
      pulled = new ImagePuller(layers, ImageArchiveReader.DEFAULT_MAX_STAGED_BYTES)
          .pull(client, ref, layers.stagingRoot(), listener);
    } catch (IOException e) {
      throw new PullFailedException("pulling " + ref + " failed writing to the store: " + e.getMessage());
    }
    StoredImage stored;
    try {
      stored = new ImageUnpacker(layers).unpack(pulled.staged()).get(0);
    } catch (LayerExtractionException e) {
      throw new PullFailedException("a layer of " + ref + " cannot be extracted: " + e.getMessage());
    } catch (IOException e) {
      throw new PullFailedException("storing " + ref + " failed: " + e.getMessage());
    }
    images.register(stored, "pull", pulled.manifestDigest().toString());
    return stored.id().hex();
  }

  private RegistryClient client(String registry, Request req) throws RegistryException {
    boolean skipVerify = req.tlsVerify().map(v -> !v).orElse(insecure.contains(registry));
    HttpClient http = skipVerify ? HttpClients.insecure() : HttpClients.verifying();
    Optional<Path> ca = skipVerify ? Optional.empty() : certsDirs.dirFor(registry);
    if (ca.isPresent()) {
      http = caClients.get(ca.get());
      if (http == null) {
        http = HttpClients.with(CertsDirs.sslContext(ca.get()));
        caClients.put(ca.get(), http);
      }
    }
    return new RegistryClient(registry, skipVerify, req.auth().forRegistry(registry), http);
  }
}
