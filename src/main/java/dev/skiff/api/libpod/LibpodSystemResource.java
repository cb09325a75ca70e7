package dev.skiff.api.libpod;

import dev.skiff.api.SystemEndpoints;
import dev.skiff.api.model.VersionReport;
import dev.skiff.api.model.libpod.LibpodInfo;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HEAD;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

/** libpod system endpoints: {@code /libpod/_ping}, {@code /libpod/version}, {@code /libpod/info}. */
@Path("/libpod")
public class LibpodSystemResource {

  private final SystemEndpoints system;

  public LibpodSystemResource(SystemEndpoints system) {
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
  public LibpodInfo info() {
    return system.libpodInfo();
  }
}
