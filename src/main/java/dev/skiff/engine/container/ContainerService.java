package dev.skiff.engine.container;

import dev.skiff.config.SkiffConfig;
import dev.skiff.engine.ContainerState;
import dev.skiff.engine.ContainerStateException;
import dev.skiff.engine.EventService;
import dev.skiff.engine.InvalidArgumentException;
import dev.skiff.engine.NameInUseException;
import dev.skiff.engine.NoSuchObjectException;
import dev.skiff.engine.SkiffException;
import dev.skiff.engine.SubIdAllocations;
import dev.skiff.runtime.AttachClient;
import dev.skiff.runtime.AttachOptions;
import dev.skiff.runtime.BundleWriter;
import dev.skiff.runtime.ExitStatus;
import dev.skiff.runtime.ExitWatcher;
import dev.skiff.runtime.ShimClient;
import dev.skiff.runtime.ShimLaunch;
import dev.skiff.runtime.ShimStartException;
import dev.skiff.runtime.Signals;
import dev.skiff.runtime.oci.OciSpec;
import dev.skiff.store.ContainerDirs;
import dev.skiff.store.ContainerStore;
import dev.skiff.store.Store;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Predicate;
import org.jboss.logging.Logger;

/**
 * The container lifecycle. Every public method has one shape: lock the container, reload its
 * record, check its state (or throw a domain error whose message ends with libpod's phrase), act,
 * record, emit an event. Private helpers whose names end in {@code Locked} assume the lock is held.
 */
@ApplicationScoped
public class ContainerService {

  private static final Logger LOG = Logger.getLogger(ContainerService.class);

  private final ContainerIndex store;
  private final ContainerDirs dirs;
  private final EventService events;
  private final ImageResolver images;
  private final SpecResolver resolver;
  private final SkiffConfig config;
  private final SubIdAllocations allocations;
  private final Map<String, ReentrantLock> locks = new ConcurrentHashMap<>();
  private final Waiters waiters = new Waiters();
  private final ContainerAttach attaching;
  private ExitWatcher exitWatcher;
  private final ContainerNetwork network;

  public ContainerService(Store store, EventService events, ImageResolver images, SpecResolver resolver,
      SkiffConfig config, SubIdAllocations allocations) {
    this.allocations = allocations;
    this.store = new ContainerIndex(new ContainerStore(store.database()));
    this.dirs = new ContainerDirs(config.root(), config.runroot());
    this.events = events;
    this.images = images;
    this.resolver = resolver;
    this.config = config;
    this.attaching = new ContainerAttach(config.runroot());
    this.network = new ContainerNetwork(config.runroot(), ContainerNetwork.findSlirp(), java.nio.file.Path.of("/etc"));
  }

  void onStart(@Observes StartupEvent ev) {
    freezer = dev.skiff.runtime.Freezer.forHost(!config.rootless());
    cgroups = dev.skiff.runtime.Cgroups.forHost(!config.rootless());
    exitWatcher = new ExitWatcher(dirs.exits(), this::onExit);
    reconcile();
    if (cgroups.usable()) { // cgroups of containers removed while the daemon was down
      cgroups.removeStale(store.all().stream().map(ContainerRecord::id).collect(java.util.stream.Collectors.toSet()));
    }
    mapped.release(store.all().stream().map(ContainerRecord::oci).toList());
  }

  void onStop(@Observes ShutdownEvent ev) {
    if (exitWatcher != null) {
      exitWatcher.close();
    }
  }

  // ---- create ---------------------------------------------------------------------------------

  /** Creates a container; returns its record (id and warnings). */
  public ContainerRecord create(ContainerSpec spec) {
    String name = spec.basic().name().isEmpty() ? uniqueRandomName() : spec.basic().name();
    ContainerNames.validate(name);
    if (spec.basic().image().isEmpty()) {
      throw new InvalidArgumentException("no image given for the container");
    }
    RestartPolicy.validate(spec.basic());
    ResolvedImage image = images.resolve(spec.basic().image());
    NetworkResolver.Resolved net = NetworkResolver.resolve(spec.network(), exposedPorts(image),
        config.rootless() ? unprivilegedPortStart() : 0, NetworkResolver::freePort);
    ContainerSpec resolved = spec.withNetwork(net.network());
    String id = ContainerNames.newId();
    ContainerRecord c = null;
    for (int attempt = 0; c == null; attempt++) {
      String n = attempt == 0 ? name : uniqueRandomName();
      try {
        c = resolver.needsOwnRange(spec)
            ? allocations.exclusive(() -> resolveAndInsert(id, n, resolved, image, net.warnings()))
            : resolveAndInsert(id, n, resolved, image, net.warnings());
      } catch (NameInUseException taken) {
        // a generated name can be taken by a concurrent create between the check and the insert
        if (!spec.basic().name().isEmpty() || attempt >= 5) {
          throw taken;
        }
      }
    }
    copyLayersOrUndo(c, image);
    events.emit("container", "create", id, attributes(c));
    return c;
  }

  /**
   * Rootless containers with their own ID map get their layer copies at create, as podman does
   * (the cost and any error belong to create); a failure removes the container again.
   */
  private void copyLayersOrUndo(ContainerRecord c, ResolvedImage image) {
    try {
      mapped.lowerDirs(c.oci(), image.layersTopFirst());
    } catch (RuntimeException e) {
      store.delete(c.id());
      mapped.release(store.all().stream().map(ContainerRecord::oci).toList());
      throw e;
    }
  }

  /** Resolves and stores a new container; its {@code --userns=auto} range goes in the same transaction. */
  private ContainerRecord resolveAndInsert(String id, String name, ContainerSpec spec, ResolvedImage image,
      List<String> networkWarnings) {
    SpecResolver.Resolution r = resolver.resolve(id, spec, image);
    List<String> warnings = new java.util.ArrayList<>(networkWarnings);
    warnings.addAll(r.warnings());
    ContainerRecord c = new ContainerRecord(id, name, spec, image.id(), spec.basic().image(), Instant.now(),
        ContainerState.CREATED, 0, 0, null, null, "", BundleWriter.toJson(r.oci()), warnings, 0, false, false);
    boolean inserted = r.autoRange().isPresent()
        ? store.insert(c, SubIdAllocations.forContainer(id, r.autoRange().get()))
        : store.insert(c);
    if (!inserted) {
      throw nameInUse(name);
    }
    return c;
  }

  private static java.util.Set<String> exposedPorts(ResolvedImage image) {
    var cfg = image.config().config();
    return cfg == null || cfg.exposedPorts() == null ? java.util.Set.of() : cfg.exposedPorts().keySet();
  }

  /**
   * net.ipv4.ip_unprivileged_port_start: the lowest host port a rootless daemon can publish. Read in
   * one call: a sysctl file answers a read at a non-zero offset with EOF, and Files.readString's
   * first read of a zero-sized file is one byte ("1").
   */
  private static int unprivilegedPortStart() {
    try (var in = java.nio.file.Files.newInputStream(
        java.nio.file.Path.of("/proc/sys/net/ipv4/ip_unprivileged_port_start"))) {
      return Integer.parseInt(new String(in.readNBytes(64), java.nio.charset.StandardCharsets.US_ASCII).trim());
    } catch (java.io.IOException | NumberFormatException e) {
      return 1024;
    }
  }

  private String uniqueRandomName() {
    for (int i = 0; i < 100; i++) {
      String n = ContainerNames.randomName();
      if (store.byName(n).isEmpty()) {
        return n;
      }
    }
    return ContainerNames.randomName() + "_" + ContainerNames.newId().substring(0, 6);
  }

  static NameInUseException nameInUse(String name) {
    return new NameInUseException("the container name \"" + name + "\" is already in use");
  }

  // ---- lookup ---------------------------------------------------------------------------------

  /** The container named by full id, unique id prefix or name. */
  public ContainerRecord inspect(String nameOrId) {
    return find(nameOrId).orElseThrow(() -> noSuchContainer(nameOrId));
  }

  public boolean exists(String nameOrId) {
    return find(nameOrId).isPresent();
  }

  public List<ContainerRecord> list(Predicate<ContainerRecord> filter) {
    return store.all().stream().filter(filter).toList();
  }

  private Optional<ContainerRecord> find(String nameOrId) {
    if (nameOrId == null || nameOrId.isEmpty()) {
      return Optional.empty();
    }
    var byId = store.byId(nameOrId);
    if (byId.isPresent()) {
      return byId;
    }
    var byName = store.byName(nameOrId);
    if (byName.isPresent()) {
      return byName;
    }
    if (nameOrId.matches("[0-9a-f]{3,63}")) {
      var matches = store.byIdPrefix(nameOrId, 2);
      if (matches.size() == 1) {
        return Optional.of(matches.get(0));
      }
      if (matches.size() > 1) {
        throw new InvalidArgumentException("more than one container matches the id prefix \"" + nameOrId + "\"");
      }
    }
    return Optional.empty();
  }

  static NoSuchObjectException noSuchContainer(String nameOrId) {
    return new NoSuchObjectException("no container with name or ID \"" + nameOrId + "\" found", "no such container");
  }

  // ---- start ----------------------------------------------------------------------------------

  /**
   * Starts a created or exited container.
   *
   * @return false when it was already running (the API answers 304)
   */
  public boolean start(String nameOrId) {
    String id = inspect(nameOrId).id();
    return locked(id, () -> {
      ContainerRecord c = reload(id);
      if (c.isRunning()) {
        return false;
      }
      startLocked(c);
      return true;
    });
  }

  private void startLocked(ContainerRecord c) {
    dirs.prepare(c.id(), config.rootless() ? null : rootOwner(c));
    mapped.ownContainerDirs(c.oci(), dirs.upper(c.id()), dirs.work(c.id()));
    dirs.clearExit(c.id());
    cgroups.remove(c.id()); // a new run starts with fresh counters (OOM kills, CPU time) in new cgroups
    OciSpec oci = resolver.forStart(c, dirs);
    List<OciSpec.Mount> mounts = new java.util.ArrayList<>(oci.mounts());
    mounts.addAll(network.etcFiles(c, dirs.bundle(c.id()), oci.hostname(), oci.mounts(),
        config.rootless() ? null : rootOwner(c)));
    Map<String, String> annotations = new java.util.LinkedHashMap<>(oci.annotations());
    annotations.putAll(network.annotations(c));
    network.prepare(c);
    oci = new OciSpec(oci.ociVersion(), oci.process(), oci.root(), oci.hostname(), mounts, oci.linux(), annotations);
    if (!config.rootless()) { // volumes live below the 0700-by-default root: open the path, own new ones
      for (OciSpec.Mount m : oci.mounts()) {
        dirs.prepareVolume(java.nio.file.Path.of(m.source()), rootOwner(c));
      }
    }
    for (OciSpec.Mount m : config.rootless() ? oci.mounts() : List.<OciSpec.Mount>of()) {
      mapped.ownNewVolume(c.oci(), java.nio.file.Path.of(m.source()));
    }
    BundleWriter.write(dirs.bundle(c.id()), oci);
    ShimClient.Started started;
    List<CompletableFuture<java.nio.file.Path>> attachers = attaching.takeWaiters(c.id());
    try {
      int[] size = attaching.size(c.id());
      AttachOptions attach = new AttachOptions(attaching.prepareSocket(c.id()), !attachers.isEmpty(),
          c.spec().basic().stdin(), size[0], size[1]);
      started = shim().start(new ShimLaunch(c.id(), dirs.bundle(c.id()), dirs.exitFile(c.id()), dirs.log(c.id()),
          dirs.pidFile(c.id()), dirs.seccompCache(), attach));
    } catch (ShimStartException e) {
      int code = e.errno() == 2 ? 127 : e.errno() == 13 ? 126 : 125;
      save(c.failed(e.getMessage(), code));
      waiters.stateChanged(c.id(), ContainerState.EXITED, true, code);
      ContainerStartException failure = new ContainerStartException(c.id(), e.getMessage(), e.errno());
      attachers.forEach(f -> f.completeExceptionally(failure));
      throw failure;
    }
    attachers.forEach(f -> f.complete(attaching.socket(c.id())));
    ContainerRecord running = c.started(started.pid(), Instant.now());
    save(running);
    waiters.stateChanged(c.id(), ContainerState.RUNNING, false, 0);
    events.emit("container", "start", c.id(), attributes(running));
  }

  /** Host uid and gid of the container's root user (root mode; rootless, root is the daemon's user). */
  private static long[] rootOwner(ContainerRecord c) {
    return new long[] {hostIdOfRoot(c.oci().path("linux").path("uidMappings")),
        hostIdOfRoot(c.oci().path("linux").path("gidMappings"))};
  }

  private static long hostIdOfRoot(com.fasterxml.jackson.databind.JsonNode mappings) {
    for (var m : mappings) {
      if (m.path("containerID").asLong(-1) == 0) {
        return m.path("hostID").asLong();
      }
    }
    return 0;
  }

  // ---- attach and resize ----------------------------------------------------------------------

  /** The container's attach socket (served by its shim while it runs). */
  public java.nio.file.Path attachSocket(String id) {
    return attaching.socket(id);
  }

  /**
   * Registers an attach to the container: it connects at once when the container runs, otherwise
   * at its next start (that start then holds the output until this client has released it, so
   * nothing made right after the start is missed). Register before telling the client the attach
   * is ready: it may send the start right after.
   */
  public ContainerAttach.PendingAttach attach(String nameOrId) {
    String id = inspect(nameOrId).id();
    return locked(id, () -> attaching.register(id, reload(id).isRunning()));
  }

  /**
   * Sets the terminal size of a running container (kept for its next start too). A container
   * without a terminal ignores it, as podman does. Not running: a conflict, unless
   * {@code ignoreNotRunning} (podman-remote's {@code running=true}) -- the size still applies at
   * the next start.
   */
  public void resize(String nameOrId, int rows, int cols, boolean ignoreNotRunning) {
    if (rows < 0 || cols < 0 || rows > 65535 || cols > 65535) {
      throw new InvalidArgumentException("invalid terminal size " + rows + "x" + cols);
    }
    ContainerRecord c = inspect(nameOrId);
    attaching.size(c.id(), rows, cols);
    if (!c.isRunning()) {
      if (ignoreNotRunning) {
        return;
      }
      throw new dev.skiff.engine.ConflictException("container " + c.id() + " in wrong state \""
          + c.state().wireName() + "\"", "container state improper");
    }
    if (!c.spec().basic().terminal()) {
      return;
    }
    try (AttachClient a = AttachClient.connect(attaching.socket(c.id()))) {
      a.resize(rows, cols);
    } catch (java.io.IOException e) {
      throw new dev.skiff.engine.ConflictException("resizing the terminal of container " + c.id() + ": "
          + e.getMessage(), "container state improper");
    }
  }

  ShimClient shim() {
    return new ShimClient(config.shim().orElseThrow(
        () -> new ContainerStateException("skiff-shim is not configured; start skiffd through bin/skiffd")),
        identity.holder().orElse(null));
  }

  // ---- exits ----------------------------------------------------------------------------------

  /** Called by the exit watcher (push) when the shim wrote a container's exit file. */
  void onExit(String id, ExitStatus status) {
    if (store.byId(id).isEmpty()) {
      return;
    }
    locked(id, () -> {
      ContainerRecord c = reload(id);
      if (!c.isRunning()) {
        return null;
      }
      recordExitLocked(c, status.exitCode(), status.finishedAt() == null ? Instant.now() : status.finishedAt(),
          status.oom());
      return null;
    });
  }

  private void recordExitLocked(ContainerRecord c, int exitCode, Instant at) {
    recordExitLocked(c, exitCode, at, false);
  }

  /** {@code oom}: the shim found OOM kills in the container's memory cgroup (Docker's "oom" event first). */
  private void recordExitLocked(ContainerRecord c, int exitCode, Instant at, boolean oom) {
    network.down(c.id());
    ContainerRecord exited = c.exited(exitCode, at, oom);
    save(exited);
    if (oom) {
      events.emit("container", "oom", c.id(), attributes(exited));
    }
    Map<String, String> attrs = attributes(exited);
    attrs.put("containerExitCode", Integer.toString(exitCode));
    events.emit("container", "died", c.id(), attrs);
    waiters.stateChanged(c.id(), ContainerState.EXITED, true, exitCode);
    if (c.spec().basic().remove()) {
      removeLocked(exited);
      containerVolumes.removeAnonymous(exited); // --rm takes the anonymous volumes along, as podman's
    } else if (RestartPolicy.of(c.spec().basic()).shouldRestart(exited)) {
      scheduleRestart(exited);
    }
  }

  /** Restarts a container its policy wants running again, after a backoff that grows with its restarts. */
  private void scheduleRestart(ContainerRecord c) {
    long delayMs = Math.min(100L << Math.min(c.restartCount(), 6), 5_000L);
    Thread.ofVirtual().name("skiff-restart-" + c.id().substring(0, 12)).start(() -> {
      try {
        Thread.sleep(delayMs);
        locked(c.id(), () -> {
          ContainerRecord cur = store.byId(c.id()).orElse(null);
          if (cur != null && cur.state() == ContainerState.EXITED && !cur.stoppedByUser()) {
            ContainerRecord counted = cur.restarted();
            save(counted);
            events.emit("container", "restart", c.id(), attributes(counted));
            startLocked(counted);
          }
          return null;
        });
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } catch (RuntimeException e) {
        LOG.warnf("restarting container %s by its restart policy failed: %s", c.id(), e.getMessage());
      }
    });
  }

  /** After a daemon restart: containers whose shim wrote an exit file meanwhile have exited. */
  private void reconcile() {
    for (ContainerRecord c : store.all()) {
      if (!c.isRunning()) {
        continue;
      }
      locked(c.id(), () -> {
        ContainerRecord cur = reload(c.id());
        Optional<ExitStatus> exit = exitWatcher.read(cur.id());
        if (exit.isPresent()) {
          recordExitLocked(cur, exit.get().exitCode(), exit.get().finishedAt(), exit.get().oom());
        } else if (!Signals.alive(cur.pid())) {
          LOG.warnf("container %s: process %d is gone and left no exit status", cur.id(), cur.pid());
          recordExitLocked(cur, -1, Instant.now());
        }
        return null;
      });
    }
  }

  // ---- wait -----------------------------------------------------------------------------------

  /** Completes with the exit code once one of {@code conditions} holds (push-based). */
  public CompletableFuture<Integer> waitFor(String nameOrId, Set<WaitCondition> conditions) {
    Optional<ContainerRecord> found = find(nameOrId);
    if (found.isEmpty()) {
      Integer code = waiters.removedExitCode(nameOrId);
      if (code != null) {
        return CompletableFuture.completedFuture(code);
      }
      throw noSuchContainer(nameOrId);
    }
    String id = found.get().id();
    return locked(id, () -> {
      Optional<ContainerRecord> now = store.byId(id);
      if (now.isEmpty()) { // removed since it was found: its tombstone answers
        Integer code = waiters.removedExitCode(id);
        if (code != null) {
          return CompletableFuture.completedFuture(code);
        }
        throw noSuchContainer(nameOrId);
      }
      ContainerRecord c = now.get();
      if (conditions.stream().anyMatch(w -> w.holds(c.state()))) {
        return CompletableFuture.completedFuture(c.exitCode());
      }
      return waiters.add(id, conditions);
    });
  }

  public void cancelWait(CompletableFuture<Integer> f) {
    waiters.cancel(f);
  }

  // ---- stop / kill ----------------------------------------------------------------------------

  /**
   * Sends the stop signal, waits up to {@code timeoutSeconds} (negative = the container's own),
   * then SIGKILL.
   *
   * @return false when the container was not running (the API answers 304)
   */
  public boolean stop(String nameOrId, int timeoutSeconds) {
    ContainerRecord c = inspect(nameOrId);
    if (!c.isRunning()) {
      return false;
    }
    int timeout = timeoutSeconds >= 0 ? timeoutSeconds
        : c.spec().basic().stopTimeout() >= 0 ? c.spec().basic().stopTimeout() : 10;
    CompletableFuture<Integer> exited = waitFor(c.id(), Set.of(WaitCondition.STOPPED));
    markStoppedByUser(c.id());
    int signal = stopSignal(c);
    signalLocked(c.id(), signal, true);
    events.emit("container", "stop", c.id(), attributes(c));
    try {
      exited.get(Math.max(timeout, 0), TimeUnit.SECONDS);
      return true;
    } catch (TimeoutException e) {
      LOG.infof("container %s did not stop within %ds after signal %d: killing it", c.id(), timeout, signal);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ContainerStateException("interrupted while stopping container " + c.id());
    } catch (java.util.concurrent.ExecutionException e) {
      throw new IllegalStateException(e.getCause());
    }
    signalLocked(c.id(), 9, false);
    awaitExit(exited, Duration.ofSeconds(30), c.id());
    return true;
  }

  private static int stopSignal(ContainerRecord c) {
    return c.spec().basic().stopSignal() > 0 ? c.spec().basic().stopSignal() : 15;
  }

  /** Sends {@code signal} to a running container. */
  public void kill(String nameOrId, int signal) {
    ContainerRecord c = inspect(nameOrId);
    if (signal == 9 || signal == 15 || signal == 2) {
      markStoppedByUser(c.id());
    }
    signalLocked(c.id(), signal, true);
    events.emit("container", "kill", c.id(), attributes(c));
  }

  private void markStoppedByUser(String id) {
    locked(id, () -> {
      ContainerRecord cur = reload(id);
      if (cur.isRunning()) {
        save(cur.markStoppedByUser());
      }
      return null;
    });
  }

  private void signalLocked(String id, int signal, boolean mustRun) {
    locked(id, () -> {
      ContainerRecord c = reload(id);
      if (!c.isRunning()) {
        if (mustRun) {
          throw new ContainerStateException("can only kill running containers. " + id + " is in state "
              + c.state().wireName());
        }
        return null;
      }
      int err = Signals.send(c.pid(), signal);
      if (err == 3) { // ESRCH: it just exited; the exit watcher will record it
        return null;
      }
      if (err != 0) {
        throw new ContainerStateException("sending signal " + signal + " to container " + id + " failed (errno " + err + ")");
      }
      if (c.state() == ContainerState.PAUSED) { // like Docker: a frozen process handles the signal once thawed
        thawLocked(c);
      }
      return null;
    });
  }

  private static void awaitExit(CompletableFuture<Integer> f, Duration d, String id) {
    try {
      f.get(d.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      throw new ContainerStateException("container " + id + " did not exit after SIGKILL within " + d.toSeconds() + "s");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (java.util.concurrent.ExecutionException e) {
      throw new IllegalStateException(e.getCause());
    }
  }

  // ---- remove ---------------------------------------------------------------------------------

  /** Removes a container; a running one only with {@code force} (it is killed first). */
  public ContainerRecord remove(String nameOrId, boolean force, int timeoutSeconds) {
    ContainerRecord c = inspect(nameOrId);
    if (c.isRunning()) {
      if (!force) {
        throw new ContainerStateException("cannot remove container " + c.id()
            + " as it is running - running or paused containers cannot be removed without force");
      }
      stop(c.id(), Math.max(timeoutSeconds, 0));
    }
    return locked(c.id(), () -> {
      ContainerRecord cur = reload(c.id());
      if (cur.isRunning()) {
        throw new ContainerStateException("container " + cur.id() + " is running again; not removed");
      }
      removeLocked(cur);
      return cur;
    });
  }

  private void removeLocked(ContainerRecord c) {
    // the tombstone first: a /wait that no longer finds the row must find the exit code
    waiters.removed(c.id(), c.exitCode());
    store.delete(c.id());
    try {
      dirs.remove(c.id());
    } catch (RuntimeException e) {
      removeInUserNamespace(c, e);
    }
    if (!cgroups.remove(c.id())) {
      LOG.warnf("container %s: its cgroup still has processes; removed at the next daemon start", c.id());
    }
    network.down(c.id());
    if (mapped.shiftOf(c.oci()).isPresent()) {
      mapped.release(store.all().stream().map(ContainerRecord::oci).toList());
    }
    attaching.forget(c.id());
    events.emit("container", "remove", c.id(), attributes(c));
    locks.remove(c.id());
  }

  // ---- pause / unpause ------------------------------------------------------------------------

  /** Freezes a running container's processes (cgroup freezer; refused with the reason without one). */
  public void pause(String nameOrId) {
    String id = inspect(nameOrId).id();
    locked(id, () -> {
      ContainerRecord c = reload(id);
      if (c.state() != ContainerState.RUNNING) {
        throw new ContainerStateException("\"" + c.name() + "\" is not running, can't pause: container state improper");
      }
      freezer.unavailableReason().ifPresent(why -> {
        throw new ContainerStateException("pausing container " + c.id() + " is not possible: " + why);
      });
      try {
        freezer.freeze(c.id());
      } catch (java.io.IOException | IllegalStateException e) {
        throw new ContainerStateException("pausing container " + c.id() + ": " + e.getMessage());
      }
      save(c.withState(ContainerState.PAUSED));
      events.emit("container", "pause", c.id(), attributes(c));
      return null;
    });
  }

  public void unpause(String nameOrId) {
    String id = inspect(nameOrId).id();
    locked(id, () -> {
      ContainerRecord c = reload(id);
      if (c.state() != ContainerState.PAUSED) {
        throw new ContainerStateException("\"" + c.name() + "\" is not paused, can't unpause: container state improper");
      }
      thawLocked(c);
      return null;
    });
  }

  private void thawLocked(ContainerRecord c) {
    try {
      freezer.thaw(c.id());
    } catch (java.io.IOException e) {
      throw new ContainerStateException("unpausing container " + c.id() + ": " + e.getMessage());
    }
    save(c.withState(ContainerState.RUNNING));
    events.emit("container", "unpause", c.id(), attributes(c));
  }

  @jakarta.inject.Inject
  ContainerVolumes containerVolumes;

  @jakarta.inject.Inject
  MappedStorage mapped;

  @jakarta.inject.Inject
  dev.skiff.engine.DaemonIdentity identity;

  /**
   * A rootless daemon cannot delete what a non-root container user wrote (those files and their
   * directories belong to its subordinate IDs): then the removal runs in a user namespace with the
   * daemon's map ({@code skiff-shim userns-run}).
   */
  /**
   * Deletes a tree the daemon's user cannot delete itself (rootless: files of subordinate IDs that
   * containers made), as root of the user namespace of the user's subordinate IDs. Root daemons
   * have nothing to add: an UncheckedIOException.
   */
  public void removeTreeInUserNamespace(java.nio.file.Path tree) {
    if (!config.rootless() || config.shim().isEmpty()) {
      throw new java.io.UncheckedIOException(new java.io.IOException("cannot delete " + tree));
    }
    try {
      removeTreesInUserNamespace(List.of(tree));
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private void removeTreesInUserNamespace(List<java.nio.file.Path> trees) throws java.io.IOException {
    new dev.skiff.runtime.UsernsOps(config.shim().get(), identity.defaultUidMap(), identity.defaultGidMap(),
        identity.holder().orElse(null)).remove(trees);
  }

  private void removeInUserNamespace(ContainerRecord c, RuntimeException denied) {
    if (config.rootless() && config.shim().isPresent()) {
      try {
        removeTreesInUserNamespace(List.of(dirs.persistent(c.id()), dirs.bundle(c.id())));
        dirs.remove(c.id());
        return;
      } catch (java.io.IOException | RuntimeException e) {
        denied.addSuppressed(e);
      }
    }
    LOG.warnf("container %s removed from the store, but its files could not all be deleted: %s", c.id(), denied.getMessage());
  }

  private dev.skiff.runtime.Freezer freezer = dev.skiff.runtime.Freezer.forHost(false);
  private dev.skiff.runtime.Cgroups cgroups = dev.skiff.runtime.Cgroups.forHost(false);

  /** The host's cgroups as this daemon uses them (none for a rootless one here). */
  dev.skiff.runtime.Cgroups cgroups() {
    return cgroups;
  }

  // ---- filesystem access (ContainerArchive) ----------------------------------------------------

  /**
   * Runs {@code work} on the container's filesystem: a running (or paused) one with a null bundle
   * (its pid is in the record); one that does not run under its lock (it cannot start meanwhile),
   * with a bundle whose config.json has the rootfs overlay and bind mounts that start would use,
   * for {@code skiff-shim archive --bundle}.
   */
  public <T> T withFilesystem(String nameOrId, java.util.function.BiFunction<ContainerRecord, java.nio.file.Path, T> work) {
    String id = inspect(nameOrId).id();
    ContainerRecord now = reload(id);
    if (now.isRunning()) {
      return work.apply(now, null);
    }
    return locked(id, () -> {
      ContainerRecord c = reload(id);
      return c.isRunning() ? work.apply(c, null) : work.apply(c, offlineBundleLocked(c));
    });
  }

  /** The directories start prepares, and a bundle of them in BUNDLE/archive (see withFilesystem). */
  private java.nio.file.Path offlineBundleLocked(ContainerRecord c) {
    long[] owner = config.rootless() ? null : rootOwner(c);
    dirs.prepare(c.id(), owner);
    mapped.ownContainerDirs(c.oci(), dirs.upper(c.id()), dirs.work(c.id()));
    OciSpec oci = resolver.forStart(c, dirs);
    for (OciSpec.Mount m : oci.mounts()) {
      if (config.rootless()) {
        mapped.ownNewVolume(c.oci(), java.nio.file.Path.of(m.source()));
      } else {
        dirs.prepareVolume(java.nio.file.Path.of(m.source()), owner);
      }
    }
    java.nio.file.Path bundle = dirs.bundle(c.id()).resolve("archive");
    BundleWriter.write(bundle, oci);
    return bundle;
  }

  // ---- rename ---------------------------------------------------------------------------------

  public void rename(String nameOrId, String newName) {
    ContainerNames.validate(newName);
    String id = inspect(nameOrId).id();
    locked(id, () -> {
      ContainerRecord c = reload(id);
      if (!store.update(c.renamed(newName))) {
        throw nameInUse(newName);
      }
      events.emit("container", "rename", id, attributes(c.renamed(newName)));
      return null;
    });
  }

  // ---- helpers --------------------------------------------------------------------------------

  public ContainerDirs dirs() {
    return dirs;
  }

  private ContainerRecord reload(String id) {
    return store.byId(id).orElseThrow(() -> noSuchContainer(id));
  }

  private void save(ContainerRecord c) {
    if (!store.update(c)) {
      throw noSuchContainer(c.id());
    }
  }

  private <T> T locked(String id, java.util.function.Supplier<T> work) {
    ReentrantLock l = locks.computeIfAbsent(id, k -> new ReentrantLock());
    l.lock();
    try {
      return work.get();
    } finally {
      l.unlock();
    }
  }

  static Map<String, String> attributes(ContainerRecord c) {
    Map<String, String> m = new HashMap<>(c.spec().basic().labels());
    m.put("name", c.name());
    m.put("image", c.imageName());
    m.put("podId", "");
    return m;
  }

  /** Start failed in the runtime: keeps the shim's errno (2 = not found, 13 = permission denied). */
  public static final class ContainerStartException extends SkiffException {
    private final int errno;

    ContainerStartException(String id, String message, int errno) {
      super("starting container " + id + ": " + message, errno == 2
          ? "OCI runtime attempted to invoke a command that was not found"
          : errno == 13 ? "OCI permission denied" : "OCI runtime error");
      this.errno = errno;
    }

    public int errno() {
      return errno;
    }
  }
}
