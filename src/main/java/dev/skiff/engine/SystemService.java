package dev.skiff.engine;

import dev.skiff.config.BuildInfo;
import dev.skiff.config.SkiffConfig;
import dev.skiff.runtime.HostProbe;
import dev.skiff.store.ContainerCounts;
import dev.skiff.store.Store;
import jakarta.enterprise.context.ApplicationScoped;

/** System-wide reads: version, info, counts. */
@ApplicationScoped
public class SystemService {

  private final SkiffConfig config;
  private final Store store;
  private final DaemonIdentity identity;
  private final HostProbe probe = new HostProbe();

  public SystemService(SkiffConfig config, Store store, DaemonIdentity identity) {
    this.config = config;
    this.store = store;
    this.identity = identity;
  }

  public SystemReport report() {
    return new SystemReport(
        BuildInfo.current(),
        probe.probe(),
        config.rootless(),
        config.socket(),
        config.root(),
        config.runroot(),
        config.shim(),
        store.containerCounts(),
        store.imageCount(),
        config.searchRegistries(),
        identity.defaultUidMap(),
        identity.defaultGidMap(),
        identity.problem());
  }

  public ContainerCounts containerCounts() {
    return store.containerCounts();
  }
}
