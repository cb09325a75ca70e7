package dev.skiff.api.libpod;

import dev.skiff.api.Filters;
import dev.skiff.api.VolumeMapper;
import dev.skiff.api.model.VolumeCreateRequest;
import dev.skiff.api.model.libpod.LibpodVolume;
import dev.skiff.engine.VolumeFilters;
import dev.skiff.engine.VolumeService;
import dev.skiff.engine.VolumeSpec;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Response;
import java.util.List;
import java.util.Map;

/** libpod volumes: create, list, inspect, exists, remove, prune. */
@Path("/libpod/volumes")
public class LibpodVolumesResource {

  @jakarta.inject.Inject
  dev.skiff.engine.container.ContainerVolumes containerVolumes;

  private final VolumeService volumes;

  public LibpodVolumesResource(VolumeService volumes) {
    this.volumes = volumes;
  }

  @POST
  @Path("create")
  public Response create(VolumeCreateRequest body) {
    VolumeCreateRequest b = body == null ? VolumeCreateRequest.EMPTY : body;
    var v = volumes.create(new VolumeSpec(b.name(), b.driver(), b.allLabels(), b.allOptions()));
    return Response.status(201).entity(VolumeMapper.libpod(v)).build();
  }

  @GET
  @Path("json")
  public List<LibpodVolume> list(@QueryParam("filters") String filters) {
    return volumes.list(VolumeFilters.of(Filters.parse(filters))).stream().map(VolumeMapper::libpod).toList();
  }

  @GET
  @Path("{name}/json")
  public LibpodVolume inspect(@PathParam("name") String name) {
    return VolumeMapper.libpod(volumes.inspect(name));
  }

  @GET
  @Path("{name}/exists")
  public Response exists(@PathParam("name") String name) {
    volumes.inspect(name);
    return Response.noContent().build();
  }

  @DELETE
  @Path("{name}")
  public Response remove(@PathParam("name") String name, @QueryParam("force") boolean force) {
    containerVolumes.remove(name, force);
    return Response.noContent().build();
  }

  @POST
  @Path("prune")
  public List<Map<String, Object>> prune(@QueryParam("filters") String filters) {
    return containerVolumes.prune(VolumeFilters.of(Filters.parse(filters))).stream()
        .map(v -> Map.<String, Object>of("Id", v.name(), "Size", 0))
        .toList();
  }
}
