package dev.skiff.engine;

import dev.skiff.store.Store;
import dev.skiff.store.VolumeStore;
import jakarta.enterprise.context.ApplicationScoped;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/** Volume lifecycle: create, inspect, list, remove (prune and in-use checks: container.ContainerVolumes). */
@ApplicationScoped
public class VolumeService {

  private static final org.jboss.logging.Logger LOG = org.jboss.logging.Logger.getLogger(VolumeService.class);
  private static final SecureRandom RANDOM = new SecureRandom();
  private final VolumeStore volumes;
  private final EventService events;

  public VolumeService(Store store, EventService events) {
    this.volumes = new VolumeStore(store.database(), store.root());
    this.events = events;
  }

  /** Creates a volume; {@link ConflictException} when the name is taken. */
  public Volume create(VolumeSpec spec) {
    spec.validate();
    boolean anonymous = spec.name().isEmpty();
    String name = anonymous ? randomName() : spec.name();
    Volume v = new Volume(name, spec.driver(), volumes.mountpoint(name), Instant.now().truncatedTo(java.time.temporal.ChronoUnit.MILLIS), spec.labels(),
        spec.options(), anonymous);
    if (!volumes.create(toRow(v))) {
      throw new ConflictException("volume with name " + name + " already exists", "volume already exists");
    }
    events.emit("volume", "create", name, Map.of());
    return v;
  }

  /**
   * The volume a container mounts: a named one (created on first use, as podman does) or, for an
   * empty name, the container's anonymous volume for {@code dest} (its name derived from both, so
   * it can be found again when the container is removed).
   */
  public Volume forContainer(String containerId, String name, String dest) {
    boolean anonymous = name.isEmpty();
    String n = anonymous ? anonymousName(containerId, dest) : name;
    return volumes.get(n).map(VolumeService::fromRow).orElseGet(() -> {
      try {
        Volume v = anonymous ? createAnonymous(n) : create(new VolumeSpec(n, null, null, null));
        return v;
      } catch (ConflictException raced) {
        return inspect(n);
      }
    });
  }

  /** The name of a container's anonymous volume at {@code dest}: 64 hex digits, like podman's. */
  public static String anonymousName(String containerId, String dest) {
    try {
      byte[] d = java.security.MessageDigest.getInstance("SHA-256")
          .digest((containerId + "\0" + dest).getBytes(java.nio.charset.StandardCharsets.UTF_8));
      return java.util.HexFormat.of().formatHex(d);
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private Volume createAnonymous(String name) {
    Volume v = new Volume(name, "local", volumes.mountpoint(name),
        Instant.now().truncatedTo(java.time.temporal.ChronoUnit.MILLIS), Map.of(), Map.of(), true);
    if (!volumes.create(toRow(v))) {
      throw new ConflictException("volume with name " + name + " already exists", "volume already exists");
    }
    events.emit("volume", "create", name, Map.of());
    return v;
  }

  public Volume inspect(String name) {
    return volumes.get(name).map(VolumeService::fromRow).orElseThrow(() -> noSuchVolume(name));
  }

  public boolean exists(String name) {
    return volumes.get(name).isPresent();
  }

  public List<Volume> list(Predicate<Volume> filter) {
    return volumes.list().stream().map(VolumeService::fromRow).filter(filter).toList();
  }

  /**
   * Removes the volume. What the daemon cannot delete itself (rootless: files owned by subordinate
   * IDs in directories not writable by the daemon's user) goes to {@code stubborn}; when that fails
   * too, the volume is gone from the store and the leftover files are logged.
   */
  public void remove(String name, boolean force, java.util.function.Consumer<java.nio.file.Path> stubborn) {
    boolean removed;
    try {
      removed = volumes.remove(name);
    } catch (java.io.UncheckedIOException denied) {
      removed = true;
      try {
        stubborn.accept(volumes.directory(name));
      } catch (RuntimeException e) {
        denied.addSuppressed(e);
        LOG.warnf("volume %s removed from the store, but its files could not all be deleted: %s", name,
            denied.getMessage());
      }
    }
    if (!removed) {
      throw noSuchVolume(name);
    }
    events.emit("volume", "remove", name, Map.of());
  }

  private static VolumeStore.VolumeRow toRow(Volume v) {
    return new VolumeStore.VolumeRow(v.name(), v.driver(), v.mountpoint().toString(), v.createdAt().toEpochMilli(),
        v.labels(), v.options(), v.anonymous());
  }

  private static Volume fromRow(VolumeStore.VolumeRow r) {
    return new Volume(r.name(), r.driver(), java.nio.file.Path.of(r.mountpoint()), Instant.ofEpochMilli(r.createdAtMillis()),
        r.labels(), r.options(), r.anonymous());
  }

  static NoSuchObjectException noSuchVolume(String name) {
    return new NoSuchObjectException("no volume with name \"" + name + "\" found", "no such volume");
  }

  private static String randomName() {
    byte[] b = new byte[32];
    RANDOM.nextBytes(b);
    return HexFormat.of().formatHex(b);
  }
}
