package dev.skiff.api.compat;

import dev.skiff.api.ExecEndpoints;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.Map;

/** Docker-compatible exec session inspect (create is under containers; start is a raw route). */
@Path("/exec")
@Produces(MediaType.APPLICATION_JSON)
public class CompatExecResource {

  private final ExecEndpoints execs;

  public CompatExecResource(ExecEndpoints execs) {
    this.execs = execs;
  }

  @GET
  @Path("{id}/json")
  public Map<String, Object> inspect(@PathParam("id") String id) {
    return execs.inspect(id);
  }
}
