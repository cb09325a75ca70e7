package dev.skiff.api.compat;

import dev.skiff.api.ImageEndpoints;
import dev.skiff.engine.image.ImageService;
import io.smallrye.common.annotation.RunOnVirtualThread;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Docker-compatible images: load, import, save, list, inspect, tag, remove, prune. */
@Path("/images")
@Produces(MediaType.APPLICATION_JSON)
public class CompatImagesResource {

  private final ImageEndpoints endpoints;
  private final ImageService images;

  public CompatImagesResource(ImageEndpoints endpoints) {
    this.endpoints = endpoints;
    this.images = endpoints.images();
  }

  @POST
  @Path("load")
  @RunOnVirtualThread
  public Response load(InputStream body) {
    List<String> names = images.load(body);
    StringBuilder sb = new StringBuilder();
    names.forEach(n -> sb.append("{\"stream\":\"Loaded image: ").append(n).append("\\n\"}\n"));
    return Response.ok(sb.toString().getBytes(StandardCharsets.UTF_8)).type(MediaType.APPLICATION_JSON).build();
  }

  /** {@code docker save IMG}: a docker-archive tar, streamed. */
  @GET
  @Path("{name: .+}/get")
  @RunOnVirtualThread
  public Response save(@PathParam("name") String name) {
    return endpoints.save(List.of(name), null, false);
  }

  /** {@code docker save IMG1 IMG2...}. */
  @GET
  @Path("get")
  @RunOnVirtualThread
  public Response saveMany(@QueryParam("names") List<String> names) {
    return endpoints.save(names, null, false);
  }

  @GET
  @Path("json")
  public List<Map<String, Object>> list() {
    return endpoints.list(true);
  }

  @GET
  @Path("{name: .+}/json")
  public Map<String, Object> inspect(@PathParam("name") String name) {
    return endpoints.inspect(name, true);
  }

  @GET
  @Path("{name: .+}/history")
  public List<Map<String, Object>> history(@PathParam("name") String name) {
    return dev.skiff.api.ImageMapper.history(images.history(name));
  }

  @POST
  @Path("{name: .+}/tag")
  public Response tag(@PathParam("name") String name, @QueryParam("repo") String repo, @QueryParam("tag") String tag) {
    images.tag(name, repo, tag);
    return Response.status(201).build();
  }

  @POST
  @Path("create")
  @RunOnVirtualThread
  public Response create(InputStream body, @QueryParam("fromImage") String fromImage,
      @QueryParam("fromSrc") String fromSrc, @QueryParam("repo") String repo, @QueryParam("tag") String tag,
      @QueryParam("changes") List<String> changes, @QueryParam("message") String message,
      @QueryParam("platform") String platform, @HeaderParam("X-Registry-Auth") String auth) {
    if (fromSrc != null && !fromSrc.isEmpty()) {
      return importImage(body, fromSrc, repo, tag, changes, message);
    }
    return endpoints.compatPull(fromImage, tag, platform, auth);
  }

  /** {@code docker import}: {@code fromSrc=-} with the rootfs as the body; a progress line with the id. */
  private Response importImage(InputStream body, String fromSrc, String repo, String tag, List<String> changes,
      String message) {
    endpoints.refuseImportUrl(fromSrc.equals("-") ? null : fromSrc);
    String ref = repo == null || repo.isEmpty() ? null : repo + (tag == null || tag.isEmpty() ? "" : ":" + tag);
    String id = images.importRootfs(body, new ImageService.ImportRequest(ref, changes, message, null, null));
    return Response.ok(("{\"status\":\"" + id + "\"}\n").getBytes(StandardCharsets.UTF_8))
        .type(MediaType.APPLICATION_JSON).build();
  }

  @DELETE
  @Path("{name: .+}")
  public List<Map<String, Object>> remove(@PathParam("name") String name, @QueryParam("force") boolean force) {
    var r = images.remove(name, force);
    List<Map<String, Object>> out = new ArrayList<>();
    r.untagged().forEach(u -> out.add(Map.of("Untagged", u)));
    if (r.deleted()) {
      out.add(Map.of("Deleted", "sha256:" + r.id()));
    }
    return out;
  }

  @POST
  @Path("prune")
  public Map<String, Object> prune() {
    List<Map<String, String>> deleted = images.prune().stream().map(id -> Map.of("Deleted", "sha256:" + id)).toList();
    return Map.of("ImagesDeleted", deleted, "SpaceReclaimed", 0);
  }
}
