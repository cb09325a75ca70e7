package dev.skiff.api.compat;

import dev.skiff.api.SystemEndpoints;
import dev.skiff.api.model.VersionReport;
import dev.skiff.api.model.compat.CompatInfo;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HEAD;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

/** Docker-compatible system endpoints: {@code /_ping}, {@code /version}, {@code /info}. */
@Path("/")
public class CompatSystemResource {

  private final SystemEndpoints system;

  public CompatSystemResource(SystemEndpoints system) {
    this.system = system;
  }

  @GET
  @Path("_ping")
  public Response ping() {
    return system.ping(true);
  }

  @HEAD
  @Path("_ping")
  public Response pingHead() {
    return system.ping(false);
  }

  @GET
  @Path("version")
  @Produces(MediaType.APPLICATION_JSON)
  public VersionReport version() {
    return system.version();
  }

  @GET
  @Path("info")
  @Produces(MediaType.APPLICATION_JSON)
  public CompatInfo info() {
    return system.compatInfo();
  }
}
