package dev.skiff.engine.image;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import dev.skiff.config.SkiffConfig;
import dev.skiff.engine.ConflictException;
import dev.skiff.engine.DaemonIdentity;
import dev.skiff.engine.EventService;
import dev.skiff.engine.InvalidArgumentException;
import dev.skiff.engine.NoSuchObjectException;
import dev.skiff.engine.container.ImageResolver;
import dev.skiff.engine.container.ResolvedImage;
import dev.skiff.image.Digest;
import dev.skiff.image.InvalidDigestException;
import dev.skiff.image.ImageReference;
import dev.skiff.image.InvalidImageReferenceException;
import dev.skiff.image.ShortNameResolver;
import dev.skiff.image.archive.ImageArchiveReader;
import dev.skiff.image.archive.InvalidImageArchiveException;
import dev.skiff.image.archive.ImageArchiveWriter;
import dev.skiff.image.archive.ImageUnpacker;
import dev.skiff.image.archive.SavedImage;
import dev.skiff.image.archive.InvalidConfigChangeException;
import dev.skiff.image.archive.RootfsImporter;
import dev.skiff.image.archive.StoredImage;
import dev.skiff.image.json.ImageConfig;
import dev.skiff.image.json.ImageJson;
import dev.skiff.image.layer.ExtractLimits;
import dev.skiff.image.layer.FilesystemLayerStore;
import dev.skiff.image.layer.LayerExtractionException;
import dev.skiff.image.layer.LayerExtractor;
import dev.skiff.image.layer.OwnerMapper;
import dev.skiff.image.layer.WhiteoutStyle;
import dev.skiff.security.IdMap;
import dev.skiff.store.ContainerStore;
import dev.skiff.store.ImageStore;
import dev.skiff.store.Store;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * Images: loading archives into the content-addressed layer store, names (tags), lookup by name,
 * short name or id, and removal (refused while a container uses the image, unless forced).
 */
@ApplicationScoped
public class ImageService implements ImageResolver {

  private static final org.jboss.logging.Logger LOG = org.jboss.logging.Logger.getLogger(ImageService.class);

  private static final ObjectMapper JSON = new ObjectMapper().registerModule(new JavaTimeModule())
      .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

  private final ImageStore images;
  private final ContainerStore containers;
  private final FilesystemLayerStore layers;
  private final ShortNameResolver shortNames;
  private final EventService events;

  public ImageService(Store store, SkiffConfig config, DaemonIdentity identity, EventService events) {
    this.images = new ImageStore(store.database());
    this.containers = new ContainerStore(store.database());
    this.shortNames = new ShortNameResolver(config.searchRegistries());
    this.events = events;
    try {
      this.layers = new FilesystemLayerStore(config.root().resolve("storage"),
          new LayerExtractor(WhiteoutStyle.USER_XATTR),
          owners(identity.defaultUidMap(), identity.defaultGidMap(),
              identity.rootless() ? config.shim().map(shim -> new dev.skiff.runtime.UsernsOps(shim,
                  identity.defaultUidMap(), identity.defaultGidMap())).orElse(null) : null),
          ExtractLimits.DEFAULT);
      layers.cleanStaging();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot open the layer store under " + config.root().resolve("storage"), e);
    }
  }

  FilesystemLayerStore layers() {
    return layers;
  }

  /**
   * Held by everything that stores layers until its image is recorded (load, import, pull: shared),
   * and by the layer collector (exclusive): a layer a load has just found or stored is never
   * collected before the image that uses it is in the store.
   */
  private final java.util.concurrent.locks.ReentrantReadWriteLock storage =
      new java.util.concurrent.locks.ReentrantReadWriteLock();

  /** A shared hold on the layer store; see {@link #storage}. */
  public interface LayersPinned extends AutoCloseable {
    @Override
    void close();
  }

  public LayersPinned pinLayers() {
    storage.readLock().lock();
    return storage.readLock()::unlock;
  }

  /**
   * Removes the layers and blobs of deleted images that no remaining image uses (podman removes an
   * image's layers with it). Failures are logged: the next removal tries again, and nothing that an
   * image still refers to is touched.
   */
  private void collectLayers(List<ImageRecord> deleted) {
    storage.writeLock().lock();
    try {
      java.util.Set<String> used = new java.util.HashSet<>();
      for (ImageStore.ImageRow row : images.all()) {
        used.addAll(decode(row).diffIds());
      }
      for (ImageRecord r : deleted) {
        for (String d : r.diffIds()) {
          if (used.add(d)) { // also guards a layer listed twice
            try {
              layers.removeLayer(Digest.parse(d));
            } catch (IOException | InvalidDigestException e) {
              LOG.warnf("removing layer %s of image %s failed: %s", d, r.id(), e.getMessage());
            }
          }
        }
        try {
          layers.removeBlob(Digest.parse("sha256:" + r.id()));
        } catch (IOException | InvalidDigestException e) {
          LOG.warnf("removing the config of image %s failed: %s", r.id(), e.getMessage());
        }
      }
    } finally {
      storage.writeLock().unlock();
    }
  }

  ShortNameResolver shortNames() {
    return shortNames;
  }

  static OwnerMapper owners(IdMap uids, IdMap gids) {
    return owners(uids, gids, null);
  }

  /**
   * Layer files get the host ids the default container ID map gives their tar owners. A rootless
   * daemon ({@code userns} not null) cannot chown to its subordinate IDs itself: those owners are
   * set after each layer by {@code skiff-shim userns-run} in a user namespace with the same map.
   */
  static OwnerMapper owners(IdMap uids, IdMap gids, dev.skiff.runtime.UsernsOps userns) {
    return new OwnerMapper() {
      @Override
      public Ids map(int uid, int gid) throws LayerExtractionException {
        Optional<Long> u = uids.toHost(uid);
        Optional<Long> g = gids.toHost(gid);
        if (u.isEmpty() || g.isEmpty()) {
          throw new LayerExtractionException(null, "owner " + uid + ":" + gid
              + " is outside the daemon's ID map (" + uids.toProcLines() + "); add subordinate IDs for this user");
        }
        return new OwnerMapper.Ids(u.get().intValue(), g.get().intValue());
      }

      @Override
      public boolean canDefer() {
        return userns != null;
      }

      @Override
      public void removeTree(java.nio.file.Path dir) throws IOException {
        try {
          OwnerMapper.super.removeTree(dir);
        } catch (IOException denied) {
          if (userns == null) {
            throw denied;
          }
          userns.remove(List.of(dir)); // files of subordinate IDs in directories they own
        }
      }

      @Override
      public void applyDeferred(java.nio.file.Path root, List<Deferred> entries) throws LayerExtractionException {
        try {
          userns.chown(root, entries.stream()
              .map(d -> new dev.skiff.runtime.UsernsOps.Chown(d.path(), d.uid(), d.gid(), d.mode())).toList());
        } catch (IOException e) {
          throw new LayerExtractionException(null, "setting the owners of " + entries.size() + " files: " + e.getMessage(), e);
        }
      }
    };
  }

  // ---- load -----------------------------------------------------------------------------------

  /** Loads a docker-archive or oci-archive (gzip or not), streamed; returns the names loaded. */
  public List<String> load(InputStream archive) {
    try (LayersPinned pin = pinLayers()) {
      return loadPinned(archive);
    }
  }

  private List<String> loadPinned(InputStream archive) {
    List<StoredImage> stored;
    try {
      ImageArchiveReader.Result r = new ImageArchiveReader().read(archive, layers.stagingRoot());
      stored = new ImageUnpacker(layers).unpack(r);
    } catch (InvalidImageArchiveException e) {
      throw new InvalidArgumentException("invalid image archive: " + e.getMessage(), e);
    } catch (LayerExtractionException e) {
      throw new InvalidArgumentException("an image layer cannot be extracted: " + e.getMessage(), e);
    } catch (IOException e) {
      throw new InvalidArgumentException("reading the image archive failed: " + e.getMessage(), e);
    }
    List<String> names = new ArrayList<>();
    for (StoredImage img : stored) {
      names.addAll(register(img, "loadfromarchive"));
    }
    return names;
  }

  // ---- import ---------------------------------------------------------------------------------

  /**
   * What {@code podman import} / {@code docker import} ask for besides the rootfs.
   *
   * @param reference name for the image (short names become {@code localhost/...}); may be blank
   * @param changes Dockerfile-style instructions (CMD, ENTRYPOINT, ENV, WORKDIR, USER, LABEL, EXPOSE, ...)
   * @param message history comment; may be blank
   * @param architecture blank for {@code amd64}
   * @param os blank for {@code linux}
   */
  public record ImportRequest(String reference, List<String> changes, String message, String architecture,
      String os) {
    public ImportRequest {
      changes = changes == null ? List.of() : changes.stream().filter(c -> c != null && !c.isBlank()).toList();
    }
  }

  /** Imports a rootfs tarball (plain, gzip or zstd; streamed) as a one-layer image; returns its id. */
  public String importRootfs(InputStream rootfs, ImportRequest req) {
    Optional<ImageReference> ref = blank(req.reference()) ? Optional.empty() : Optional.of(localReference(req.reference()));
    var options = new RootfsImporter.Options(ref, req.changes(), blank(req.message()) ? "" : req.message(),
        blank(req.architecture()) ? "amd64" : req.architecture(), blank(req.os()) ? "linux" : req.os(), Instant.now());
    try (LayersPinned pin = pinLayers()) {
      StoredImage stored;
      var staged = new RootfsImporter().importRootfs(rootfs, layers.stagingRoot(), options);
      stored = new ImageUnpacker(layers).unpack(staged).get(0);
      register(stored, "import");
      return stored.id().toString();
    } catch (InvalidConfigChangeException e) {
      throw new InvalidArgumentException(e.getMessage(), e);
    } catch (InvalidImageArchiveException e) {
      throw new InvalidArgumentException("invalid rootfs tarball: " + e.getMessage(), e);
    } catch (LayerExtractionException e) {
      throw new InvalidArgumentException("the rootfs cannot be extracted: " + e.getMessage(), e);
    } catch (IOException e) {
      throw new InvalidArgumentException("reading the rootfs tarball failed: " + e.getMessage(), e);
    }
  }

  /** A name as podman stores it: a short name goes under {@code localhost/}, a missing tag is {@code latest}. */
  static ImageReference localReference(String name) {
    try {
      ImageReference ref = ImageReference.parse(name);
      return ref.isShortName() ? ImageReference.parse("localhost/" + name) : ref;
    } catch (InvalidImageReferenceException e) {
      throw new InvalidArgumentException("invalid image name \"" + name + "\": " + e.getMessage(), e);
    }
  }

  private static boolean blank(String s) {
    return s == null || s.isBlank();
  }

  private List<String> register(StoredImage img, String event) {
    return register(img, event, img.id().toString());
  }

  /** Records an image whose files {@link ImageUnpacker} put in the layer store; {@code digest} is its manifest's. */
  List<String> register(StoredImage img, String event, String digest) {
    String configJson;
    try {
      configJson = Files.readString(layers.blobPath(img.id()), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("reading the config blob of image " + img.id(), e);
    }
    ImageRecord rec = new ImageRecord(img.id().hex(), created(img.config()), configJson,
        img.diffIds().stream().map(Digest::toString).toList(), img.size(), digest);
    List<String> names = img.names().stream().map(ImageReference::toString).toList();
    images.put(new ImageStore.ImageRow(rec.id(), rec.created().toEpochMilli(), encode(rec)), names);
    events.emit("image", event, rec.id(), Map.of("name", names.isEmpty() ? rec.id() : names.get(0)));
    return names.isEmpty() ? List.of("sha256:" + rec.id()) : names;
  }

  private static Instant created(ImageConfig c) {
    try {
      return c.created() == null ? Instant.EPOCH : Instant.parse(c.created());
    } catch (DateTimeParseException e) {
      return Instant.EPOCH;
    }
  }

  // ---- save -----------------------------------------------------------------------------------

  /** Archive formats {@link #save} writes. */
  public enum ArchiveFormat {
    DOCKER_ARCHIVE("docker-archive"),
    OCI_ARCHIVE("oci-archive");

    private final String wireName;

    ArchiveFormat(String wireName) {
      this.wireName = wireName;
    }

    /** {@code docker-archive} (also the default when blank) or {@code oci-archive}; anything else is a 400. */
    public static ArchiveFormat parse(String s) {
      if (blank(s)) {
        return DOCKER_ARCHIVE;
      }
      for (ArchiveFormat f : values()) {
        if (f.wireName.equals(s)) {
          return f;
        }
      }
      throw new InvalidArgumentException("unsupported save format \"" + s + "\": skiffd writes docker-archive"
          + " and oci-archive (directory formats are not supported)");
    }
  }

  /** Images resolved for saving, checked before any byte is streamed; write them with {@link #writeArchive}. */
  public record SaveSet(List<SavedImage> images, ArchiveFormat format) {}

  /**
   * Resolves what {@code podman save} / {@code docker save} name. An image named by one of its
   * names is saved with that name only; by id (or id prefix), with all its names.
   */
  public SaveSet save(List<String> namesOrIds, ArchiveFormat format) {
    if (namesOrIds == null || namesOrIds.isEmpty()) {
      throw new InvalidArgumentException("save needs at least one image name or id");
    }
    List<SavedImage> out = new ArrayList<>();
    for (String n : namesOrIds) {
      ImageRecord r = inspect(n);
      List<String> all = images.namesOf(r.id());
      List<String> named = all.stream().filter(x -> x.equals(n) || candidates(n).contains(x)).toList();
      List<ImageReference> refs = new ArrayList<>();
      for (String name : named.isEmpty() ? all : named.subList(0, 1)) {
        try {
          refs.add(ImageReference.parse(name));
        } catch (InvalidImageReferenceException e) {
          throw new IllegalStateException("stored image name " + name + " is invalid", e);
        }
      }
      List<Digest> diffIds = r.diffIds().stream().map(ImageService::parseDigest).toList();
      Digest id = parseDigest("sha256:" + r.id());
      List<Path> files = new ArrayList<>();
      files.add(layers.blobPath(id));
      diffIds.forEach(d -> files.add(layers.blobPath(d)));
      for (Path f : files) {
        if (!Files.isRegularFile(f)) {
          throw new IllegalStateException("blob " + f.getFileName() + " of image " + r.id() + " is missing from the store");
        }
      }
      out.add(new SavedImage(refs, id, layers.blobPath(id), diffIds, diffIds.stream().map(layers::blobPath).toList()));
    }
    return new SaveSet(out, format);
  }

  /** Streams the archive: layer blobs are copied straight to {@code out}, never held in memory. */
  public void writeArchive(SaveSet set, OutputStream out) throws IOException {
    ImageArchiveWriter writer = new ImageArchiveWriter();
    if (set.format() == ArchiveFormat.OCI_ARCHIVE) {
      writer.writeOciArchive(set.images(), out);
    } else {
      writer.writeDockerArchive(set.images(), out);
    }
    for (SavedImage img : set.images()) {
      events.emit("image", "save", img.id().hex(), Map.of("name",
          img.names().isEmpty() ? img.id().hex() : img.names().get(0).toString()));
    }
  }

  // ---- lookup ---------------------------------------------------------------------------------

  /** The image named by a (short) name, full id or id prefix. */
  public ImageRecord inspect(String nameOrId) {
    return find(nameOrId).orElseThrow(() -> noSuchImage(nameOrId));
  }

  public Optional<ImageRecord> find(String nameOrId) {
    if (nameOrId == null || nameOrId.isBlank()) {
      return Optional.empty();
    }
    String s = nameOrId.startsWith("sha256:") ? nameOrId.substring(7) : nameOrId;
    Optional<ImageStore.ImageRow> byId = images.byId(s);
    if (byId.isPresent()) {
      return byId.map(this::decode);
    }
    for (String candidate : candidates(nameOrId)) {
      Optional<String> id = images.idOfName(candidate);
      if (id.isPresent()) {
        return images.byId(id.get()).map(this::decode);
      }
    }
    if (s.matches("[0-9a-f]{3,63}")) {
      var matches = images.byIdPrefix(s);
      if (matches.size() == 1) {
        return Optional.of(decode(matches.get(0)));
      }
    }
    return Optional.empty();
  }

  private List<String> candidates(String name) {
    try {
      return shortNames.candidates(name).stream().map(r -> r.tag().isPresent() || r.digest().isPresent() ? r
          : withLatest(r)).map(ImageReference::toString).toList();
    } catch (InvalidImageReferenceException e) {
      return List.of();
    }
  }

  private static ImageReference withLatest(ImageReference r) {
    try {
      return r.withTag(ImageReference.DEFAULT_TAG);
    } catch (InvalidImageReferenceException e) {
      return r;
    }
  }

  public List<String> names(ImageRecord r) {
    return images.namesOf(r.id());
  }

  /** An image with its names and container count, for listings. */
  public record Listed(ImageRecord image, List<String> names, long containers) {}

  /** All images with names and usage, in three queries whatever the number of images. */
  public List<Listed> listWithNames() {
    Map<String, List<String>> names = images.namesByImage();
    Map<String, Long> used = images.containerCountsByImage();
    return images.all().stream().map(this::decode)
        .map(r -> new Listed(r, names.getOrDefault(r.id(), List.of()), used.getOrDefault(r.id(), 0L))).toList();
  }

  public List<ImageRecord> list(Predicate<ImageRecord> filter) {
    return images.all().stream().map(this::decode).filter(filter).toList();
  }

  public ImageConfig config(ImageRecord r) {
    try {
      return ImageJson.read(r.configJson().getBytes(StandardCharsets.UTF_8), ImageConfig.class);
    } catch (IOException e) {
      throw new IllegalStateException("stored config of image " + r.id() + " is unreadable", e);
    }
  }

  public long containersUsing(ImageRecord r) {
    return containers.countUsingImage(r.id());
  }

  @Override
  public ResolvedImage resolve(String nameOrId) {
    ImageRecord r = inspect(nameOrId);
    List<Path> dirs = new ArrayList<>();
    List<String> ids = new ArrayList<>(r.diffIds());
    java.util.Collections.reverse(ids);
    for (String d : ids) {
      Digest digest = parseDigest(d);
      if (!layers.hasLayer(digest)) {
        throw new IllegalStateException("layer " + d + " of image " + r.id() + " is missing from the layer store");
      }
      dirs.add(layers.layerDir(digest));
    }
    return new ResolvedImage(r.id(), nameOrId, config(r), dirs);
  }

  private static Digest parseDigest(String d) {
    try {
      return Digest.parse(d);
    } catch (dev.skiff.image.InvalidDigestException e) {
      throw new IllegalStateException("stored layer digest " + d + " is invalid", e);
    }
  }

  static NoSuchObjectException noSuchImage(String name) {
    return new NoSuchObjectException("failed to find image " + name + ": " + name, "image not known");
  }

  // ---- tags and removal -----------------------------------------------------------------------

  public String tag(String nameOrId, String repo, String tag) {
    ImageRecord r = inspect(nameOrId);
    String target = repo + ":" + (tag == null || tag.isEmpty() ? ImageReference.DEFAULT_TAG : tag);
    ImageReference ref;
    try {
      ref = ImageReference.parse(target);
    } catch (InvalidImageReferenceException e) {
      throw new InvalidArgumentException("invalid image name \"" + target + "\": " + e.getMessage());
    }
    String normalized = ref.isShortName() ? "localhost/" + target : ref.toString();
    images.tag(normalized, r.id());
    events.emit("image", "tag", r.id(), Map.of("name", normalized));
    return normalized;
  }

  /**
   * Removes names from an image: {@code repo[:tag]} (tag defaults to latest, short names as
   * {@code localhost/...}), or every name when {@code repo} is empty. The image itself stays.
   */
  public List<String> untag(String nameOrId, String repo, String tag) {
    ImageRecord r = inspect(nameOrId);
    if ((repo == null || repo.isEmpty()) && tag != null && !tag.isEmpty()) {
      throw new InvalidArgumentException("repo parameter is required to untag an image");
    }
    List<String> names = images.namesOf(r.id());
    List<String> untag;
    if (repo == null || repo.isEmpty()) {
      untag = names;
    } else {
      String target = repo + ":" + (tag == null || tag.isEmpty() ? ImageReference.DEFAULT_TAG : tag);
      untag = names.stream().filter(n -> n.equals(target) || candidates(target).contains(n)).toList();
      if (untag.isEmpty()) {
        throw new InvalidArgumentException("tag " + target + " is not set on image " + r.id() + ": tag not known");
      }
    }
    untag.forEach(images::untag);
    untag.forEach(n -> events.emit("image", "untag", r.id(), Map.of("name", n)));
    return untag;
  }

  /** One history entry, newest first: the image's id and names on the top one, "<missing>" below. */
  public record HistoryEntry(String id, long created, String createdBy, List<String> tags, long size, String comment) {}

  public List<HistoryEntry> history(String nameOrId) {
    ImageRecord r = inspect(nameOrId);
    List<ImageConfig.History> h = config(r).history();
    List<HistoryEntry> out = new ArrayList<>();
    for (int i = h.size() - 1; i >= 0; i--) {
      ImageConfig.History e = h.get(i);
      long created = 0;
      try {
        created = e.created() == null ? 0 : java.time.OffsetDateTime.parse(e.created()).toEpochSecond();
      } catch (java.time.format.DateTimeParseException bad) {
        // an unparsable date shows as 0, as a missing one
      }
      boolean top = i == h.size() - 1;
      out.add(new HistoryEntry(top ? r.id() : "<missing>", created, e.createdBy() == null ? "" : e.createdBy(),
          top ? images.namesOf(r.id()) : null, 0, e.comment() == null ? "" : e.comment()));
    }
    if (out.isEmpty()) { // an image without history (e.g. imported without one): one entry for itself
      out.add(new HistoryEntry(r.id(), r.created().getEpochSecond(), "", images.namesOf(r.id()), r.size(), ""));
    }
    return out;
  }

  /** Removal report of one image: the names untagged and whether the image itself went. */
  public record Removal(String id, List<String> untagged, boolean deleted) {}

  /**
   * Removes an image named by id (all its names) or by name (that name; the image too when it was
   * the last). A used image is refused unless {@code force}, which removes the containers' claim
   * only by untagging: the image stays while containers use it.
   */
  public Removal remove(String nameOrId, boolean force) {
    ImageRecord r = inspect(nameOrId);
    List<String> names = images.namesOf(r.id());
    List<String> named = names.stream().filter(n -> n.equals(nameOrId) || candidates(nameOrId).contains(n)).toList();
    List<String> untag = !named.isEmpty() && names.size() > named.size() ? named : names;
    boolean deleteImage = untag.size() == names.size();
    long users = containersUsing(r);
    if (deleteImage && users > 0 && !force) {
      throw new ConflictException("image used by " + users + " container(s): image " + r.id()
          + " is in use by a container", "image is in use by a container");
    }
    untag.forEach(images::untag);
    untag.forEach(n -> events.emit("image", "untag", r.id(), Map.of("name", n)));
    boolean deleted = false;
    if (deleteImage && users == 0) {
      images.delete(r.id());
      events.emit("image", "remove", r.id(), Map.of("name", names.isEmpty() ? r.id() : names.get(0)));
      deleted = true;
      collectLayers(List.of(r));
    }
    return new Removal(r.id(), untag, deleted);
  }

  /** Removes images without names that no container uses. */
  public List<String> prune() {
    List<String> removed = new ArrayList<>();
    List<ImageRecord> gone = new ArrayList<>();
    for (ImageRecord r : list(x -> true)) {
      if (images.namesOf(r.id()).isEmpty() && containersUsing(r) == 0) {
        images.delete(r.id());
        events.emit("image", "remove", r.id(), Map.of("name", r.id()));
        removed.add(r.id());
        gone.add(r);
      }
    }
    collectLayers(gone);
    return removed;
  }

  private String encode(ImageRecord r) {
    try {
      return JSON.writeValueAsString(r);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  private ImageRecord decode(ImageStore.ImageRow row) {
    try {
      return JSON.readValue(row.data(), ImageRecord.class);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("stored image " + row.id() + " is unreadable", e);
    }
  }
}
