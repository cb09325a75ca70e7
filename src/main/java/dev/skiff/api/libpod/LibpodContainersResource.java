package dev.skiff.api.libpod;

import com.fasterxml.jackson.databind.util.RawValue;
import dev.skiff.api.ContainerEndpoints;
import dev.skiff.api.ContainerMapper;
import dev.skiff.api.Filters;
import dev.skiff.api.SpecGeneratorMapper;
import dev.skiff.api.model.libpod.SpecGenerator;
import dev.skiff.engine.InvalidArgumentException;
import dev.skiff.engine.container.ContainerFilters;
import dev.skiff.engine.container.ContainerRecord;
import dev.skiff.engine.container.ContainerService;
import io.smallrye.common.annotation.RunOnVirtualThread;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;

/** libpod containers: create, list, inspect, start, stop, kill, restart, wait, logs, rename, remove. */
@Path("/libpod/containers")
@Produces(MediaType.APPLICATION_JSON)
public class LibpodContainersResource {

  private final ContainerEndpoints endpoints;
  private final ContainerService containers;
  private final dev.skiff.api.ExecEndpoints execs;

  @jakarta.inject.Inject
  dev.skiff.engine.container.ContainerVolumes containerVolumes;

  public LibpodContainersResource(ContainerEndpoints endpoints, dev.skiff.api.ExecEndpoints execs) {
    this.endpoints = endpoints;
    this.containers = endpoints.containers();
    this.execs = execs;
  }

  @POST
  @Path("{name}/exec")
  public Response exec(@PathParam("name") String name, dev.skiff.api.model.ExecCreateRequest body) {
    return execs.create(name, body);
  }

  @POST
  @Path("create")
  @RunOnVirtualThread
  public Response create(SpecGenerator body) {
    if (body == null) {
      throw new InvalidArgumentException("container create needs a JSON body (podman's SpecGenerator)");
    }
    ContainerRecord c = containers.create(SpecGeneratorMapper.toSpec(body));
    return Response.status(201).entity(Map.of("Id", c.id(), "Warnings", c.warnings())).build();
  }

  @GET
  @Path("json")
  public List<RawValue> list(@QueryParam("all") boolean all, @QueryParam("limit") @DefaultValue("-1") int limit,
      @QueryParam("last") @DefaultValue("-1") int last, @QueryParam("filters") String filters) {
    var filter = ContainerFilters.of(Filters.parse(filters));
    List<ContainerRecord> everything = containers.list(c -> true);
    ContainerMapper.retainListEntries(everything);
    var stream = everything.stream().filter(c -> (all || c.isRunning()) && filter.test(c));
    int n = limit > 0 ? limit : last;
    if (n > 0) {
      stream = stream.limit(n);
    }
    return stream.map(ContainerMapper::libpodListJson).toList();
  }

  @GET
  @Path("{name}/json")
  public Map<String, Object> inspect(@PathParam("name") String name) {
    return ContainerMapper.libpodInspect(containers.inspect(name), containers.dirs());
  }

  @GET
  @Path("{name}/exists")
  public Response exists(@PathParam("name") String name) {
    containers.inspect(name);
    return Response.noContent().build();
  }

  @POST
  @Path("{name}/start")
  @RunOnVirtualThread
  public Response start(@PathParam("name") String name) {
    return Response.status(containers.start(name) ? 204 : 304).build();
  }

  @POST
  @Path("{name}/stop")
  @RunOnVirtualThread
  public Response stop(@PathParam("name") String name, @QueryParam("timeout") @DefaultValue("-1") int timeout,
      @QueryParam("t") @DefaultValue("-1") int t) {
    return Response.status(containers.stop(name, timeout >= 0 ? timeout : t) ? 204 : 304).build();
  }

  @POST
  @Path("{name}/kill")
  public Response kill(@PathParam("name") String name, @QueryParam("signal") String signal) {
    containers.kill(name, SpecGeneratorMapper.signal(signal, 9));
    return Response.noContent().build();
  }

  @POST
  @Path("{name}/restart")
  @RunOnVirtualThread
  public Response restart(@PathParam("name") String name, @QueryParam("timeout") @DefaultValue("-1") int timeout,
      @QueryParam("t") @DefaultValue("-1") int t) {
    containers.stop(name, timeout >= 0 ? timeout : t);
    containers.start(name);
    return Response.noContent().build();
  }

  @POST
  @Path("{name}/wait")
  public CompletionStage<Response> waitFor(@PathParam("name") String name, @QueryParam("condition") List<String> condition) {
    return endpoints.waitFor(name, condition);
  }

  @GET
  @Path("{name}/logs")
  @RunOnVirtualThread
  public Response logs(@PathParam("name") String name, @QueryParam("follow") boolean follow,
      @QueryParam("since") String since, @QueryParam("until") String until, @QueryParam("tail") String tail,
      @QueryParam("timestamps") boolean timestamps, @QueryParam("stdout") boolean stdout,
      @QueryParam("stderr") boolean stderr) {
    return endpoints.logs(name, follow, since, until, tail, timestamps, stdout, stderr);
  }

  /** The terminal size ({@code running=true}: a container that does not run yet keeps it for its start). */
  @POST
  @Path("{name}/resize")
  public Response resize(@PathParam("name") String name, @QueryParam("h") int h, @QueryParam("w") int w,
      @QueryParam("running") boolean running) {
    containers.resize(name, h, w, running);
    return Response.ok().build();
  }

  @POST
  @Path("{name}/rename")
  public Response rename(@PathParam("name") String name, @QueryParam("name") String newName) {
    if (newName == null || newName.isEmpty()) {
      throw new InvalidArgumentException("rename needs the new name in the \"name\" parameter");
    }
    containers.rename(name, newName);
    return Response.noContent().build();
  }

  @DELETE
  @Path("{name}")
  @RunOnVirtualThread
  public List<Map<String, String>> remove(@PathParam("name") String name, @QueryParam("force") boolean force,
      @QueryParam("timeout") @DefaultValue("10") int timeout, @QueryParam("ignore") boolean ignore,
      @QueryParam("volumes") boolean volumes, @QueryParam("v") boolean v) {
    if (ignore && !containers.exists(name)) {
      return List.of();
    }
    ContainerRecord c = containerVolumes.removeContainer(name, force, timeout, volumes || v); // podman sends volumes, docker v
    return List.of(Map.of("Id", c.id(), "RawInput", name));
  }

  @POST
  @Path("prune")
  @RunOnVirtualThread
  public List<Map<String, Object>> prune(@QueryParam("filters") String filters) {
    var filter = ContainerFilters.of(Filters.parse(filters));
    return containers.list(c -> !c.isRunning() && filter.test(c)).stream()
        .map(c -> containers.remove(c.id(), false, 0))
        .map(c -> Map.<String, Object>of("Id", c.id(), "Size", 0))
        .toList();
  }

  // ---- copying files (podman cp, docker cp): ArchiveEndpoints ----

  @jakarta.inject.Inject
  dev.skiff.api.ArchiveEndpoints archive;

  @jakarta.ws.rs.HEAD
  @Path("{name}/archive")
  @RunOnVirtualThread
  public Response archiveStat(@PathParam("name") String name, @QueryParam("path") String path) {
    return archive.head(name, path);
  }

  @GET
  @Path("{name}/archive")
  @Produces({"application/x-tar", MediaType.APPLICATION_JSON}) // docker-java asks for application/x-tar
  @RunOnVirtualThread
  public Response archiveGet(@PathParam("name") String name, @QueryParam("path") String path) {
    return archive.get(name, path);
  }

  @GET
  @Path("{name}/export")
  @Produces({"application/x-tar", MediaType.APPLICATION_JSON})
  @RunOnVirtualThread
  public Response export(@PathParam("name") String name) {
    return archive.export(name);
  }

  @jakarta.ws.rs.PUT
  @Path("{name}/archive")
  @RunOnVirtualThread
  public Response archivePut(@PathParam("name") String name, @jakarta.ws.rs.core.Context jakarta.ws.rs.core.UriInfo uri,
      java.io.InputStream body) {
    return archive.put(name, uri.getQueryParameters(), true, body);
  }
}
