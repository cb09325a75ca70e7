package dev.skiff.api.libpod;

import dev.skiff.api.ExecEndpoints;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
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

  @POST
  @Path("{id}/resize")
  public jakarta.ws.rs.core.Response resize(@PathParam("id") String id, @jakarta.ws.rs.QueryParam("h") int h,
      @jakarta.ws.rs.QueryParam("w") int w, @jakarta.ws.rs.QueryParam("running") boolean running) {
    execs.resize(id, h, w, running);
    return jakarta.ws.rs.core.Response.status(201).build();
  }

  @GET
  @Path("{id}/json")
  public Map<String, Object> inspect(@PathParam("id") String id) {
    return execs.inspect(id);
  }
}
