package dev.skiff.api.libpod;

import dev.skiff.api.ExecEndpoints;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.Map;

/** libpod exec session inspect (create is under containers; start is a raw route). */
@Path("/libpod/exec")
@Produces(MediaType.APPLICATION_JSON)
public class LibpodExecResource {

  private final ExecEndpoints execs;

  public LibpodExecResource(ExecEndpoints execs) {
    this.execs = execs;
  }

  @GET
  @Path("{id}/json")
  public Map<String, Object> inspect(@PathParam("id") String id) {
    return execs.inspect(id);
  }
}
