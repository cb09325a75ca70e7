package dev.skiff.api.compat;

import dev.skiff.api.Filters;
import dev.skiff.api.VolumeMapper;
import dev.skiff.api.model.VolumeCreateRequest;
import dev.skiff.api.model.compat.CompatVolume;
import dev.skiff.engine.ConflictException;
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

/** Docker-compatible volumes. Unlike libpod, creating an existing named volume returns it. */
@Path("/volumes")
public class CompatVolumesResource {

  @jakarta.inject.Inject
  dev.skiff.engine.container.ContainerVolumes containerVolumes;

  private final VolumeService volumes;

  public CompatVolumesResource(VolumeService volumes) {
    this.volumes = volumes;
  }

  @POST
  @Path("create")
  public Response create(VolumeCreateRequest body) {
    VolumeCreateRequest b = body == null ? VolumeCreateRequest.EMPTY : body;
    try {
      var v = volumes.create(new VolumeSpec(b.name(), b.driver(), b.allLabels(), b.allOptions()));
      return Response.status(201).entity(VolumeMapper.compat(v)).build();
    } catch (ConflictException exists) {
      return Response.status(201).entity(VolumeMapper.compat(volumes.inspect(b.name()))).build();
    }
  }

  @GET
  public Map<String, Object> list(@QueryParam("filters") String filters) {
    List<CompatVolume> vs = volumes.list(VolumeFilters.of(Filters.parse(filters))).stream()
        .map(VolumeMapper::compat).toList();
    return Map.of("Volumes", vs, "Warnings", List.of());
  }

  @GET
  @Path("{name}")
  public CompatVolume inspect(@PathParam("name") String name) {
    return VolumeMapper.compat(volumes.inspect(name));
  }

  @DELETE
  @Path("{name}")
  public Response remove(@PathParam("name") String name, @QueryParam("force") boolean force) {
    containerVolumes.remove(name, force);
    return Response.noContent().build();
  }

  @POST
  @Path("prune")
  public Map<String, Object> prune(@QueryParam("filters") String filters) {
    List<String> deleted = containerVolumes.prune(VolumeFilters.of(Filters.parse(filters))).stream().map(v -> v.name()).toList();
    return Map.of("VolumesDeleted", deleted, "SpaceReclaimed", 0);
  }
}
