package dev.skiff.api;

import dev.skiff.api.model.VersionReport;
import dev.skiff.api.model.compat.CompatInfo;
import dev.skiff.api.model.libpod.LibpodInfo;
import dev.skiff.engine.SystemService;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.core.Response;

/** What the system resources of both flavours share: one engine call, two wire shapes. */
@ApplicationScoped
public class SystemEndpoints {

  private final SystemService system;

  public SystemEndpoints(SystemService system) {
    this.system = system;
  }

  public Response ping(boolean withBody) {
    return Ping.response(withBody);
  }

  public VersionReport version() {
    return SystemMapper.version(system.report());
  }

  public LibpodInfo libpodInfo() {
    return SystemMapper.libpodInfo(system.report());
  }

  public CompatInfo compatInfo() {
    return SystemMapper.compatInfo(system.report());
  }
}
