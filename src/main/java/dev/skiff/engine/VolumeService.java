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

/** Volume lifecycle: create, inspect, list, remove, prune. */
@ApplicationScoped
public class VolumeService {

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

  public Volume inspect(String name) {
    return volumes.get(name).map(VolumeService::fromRow).orElseThrow(() -> noSuchVolume(name));
  }

  public boolean exists(String name) {
    return volumes.get(name).isPresent();
  }

  public List<Volume> list(Predicate<Volume> filter) {
    return volumes.list().stream().map(VolumeService::fromRow).filter(filter).toList();
  }

  public void remove(String name, boolean force) {
    if (!volumes.remove(name)) {
      throw noSuchVolume(name);
    }
    events.emit("volume", "remove", name, Map.of());
  }

  /** Removes every volume matching {@code filter} (no container uses volumes yet); returns them. */
  public List<Volume> prune(Predicate<Volume> filter) {
    List<Volume> pruned = list(filter);
    pruned.forEach(v -> remove(v.name(), false));
    return pruned;
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
