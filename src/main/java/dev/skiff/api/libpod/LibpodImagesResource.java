package dev.skiff.api.libpod;

import dev.skiff.api.ImageEndpoints;
import dev.skiff.engine.ConflictException;
import dev.skiff.engine.NoSuchObjectException;
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
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** libpod images: load, import, save, pull, list, inspect, exists, tag, untag, remove, prune. */
@Path("/libpod/images")
@Produces(MediaType.APPLICATION_JSON)
public class LibpodImagesResource {

  private final ImageEndpoints endpoints;
  private final ImageService images;

  public LibpodImagesResource(ImageEndpoints endpoints) {
    this.endpoints = endpoints;
    this.images = endpoints.images();
  }

  @POST
  @Path("load")
  @RunOnVirtualThread
  public Map<String, Object> load(InputStream body) {
    return Map.of("Names", images.load(body));
  }

  /** {@code podman import}: the body is a rootfs tarball; answers {@code {"Id":"sha256:..."}}. */
  @POST
  @Path("import")
  @RunOnVirtualThread
  public Map<String, Object> importImage(InputStream body, @QueryParam("changes") List<String> changes,
      @QueryParam("message") String message, @QueryParam("reference") String reference,
      @QueryParam("url") String url, @QueryParam("architecture") String architecture, @QueryParam("os") String os,
      @QueryParam("variant") String variant) {
    endpoints.refuseImportUrl(url);
    endpoints.refuseVariant(variant);
    return Map.of("Id", images.importRootfs(body,
        new ImageService.ImportRequest(reference, changes, message, architecture, os)));
  }

  /** {@code podman save IMG}: a docker-archive or oci-archive tar, streamed. */
  @GET
  @Path("{name: .+}/get")
  @RunOnVirtualThread
  public Response save(@PathParam("name") String name, @QueryParam("format") String format,
      @QueryParam("compress") boolean compress) {
    return endpoints.save(List.of(name), format, compress);
  }

  /** {@code podman save IMG1 IMG2...}: several images in one archive. */
  @GET
  @Path("export")
  @RunOnVirtualThread
  public Response export(@QueryParam("references") List<String> references, @QueryParam("format") String format,
      @QueryParam("compress") boolean compress) {
    return endpoints.save(references, format, compress);
  }

  @GET
  @Path("json")
  public List<Map<String, Object>> list() {
    return endpoints.list(false);
  }

  @GET
  @Path("{name: .+}/json")
  public Map<String, Object> inspect(@PathParam("name") String name) {
    return endpoints.inspect(name, false);
  }

  @GET
  @Path("{name: .+}/exists")
  public Response exists(@PathParam("name") String name) {
    images.inspect(name);
    return Response.noContent().build();
  }

  @POST
  @Path("{name: .+}/tag")
  public Response tag(@PathParam("name") String name, @QueryParam("repo") String repo, @QueryParam("tag") String tag) {
    images.tag(name, repo, tag);
    return Response.status(201).build();
  }

  @POST
  @Path("{name: .+}/untag")
  public Response untag(@PathParam("name") String name, @QueryParam("repo") String repo, @QueryParam("tag") String tag) {
    images.untag(name, repo, tag);
    return Response.status(201).build();
  }

  @GET
  @Path("{name: .+}/history")
  public List<Map<String, Object>> history(@PathParam("name") String name) {
    return dev.skiff.api.ImageMapper.history(images.history(name));
  }

  /** {@code podman pull}: a JSON progress stream (see {@link ImageEndpoints#libpodPull}). */
  @POST
  @Path("pull")
  @RunOnVirtualThread
  public Response pull(@QueryParam("reference") String reference, @QueryParam("policy") String policy,
      @QueryParam("tlsVerify") String tlsVerify, @QueryParam("quiet") boolean quiet,
      @QueryParam("allTags") boolean allTags, @QueryParam("alltags") boolean alltags,
      @QueryParam("arch") String arch, @QueryParam("os") String os, @QueryParam("variant") String variant,
      @HeaderParam("X-Registry-Auth") String auth) {
    Boolean verify = ImageEndpoints.bool("tlsVerify", tlsVerify);
    return endpoints.libpodPull(new ImageEndpoints.LibpodPull(reference, policy, verify, quiet, allTags || alltags,
        arch, os, variant, auth));
  }

  /** Always 200 with a report; per-image failures set ExitCode (1 unknown, 2 in use), as podman does. */
  @DELETE
  @Path("remove")
  public Map<String, Object> remove(@QueryParam("images") List<String> names, @QueryParam("force") boolean force) {
    List<String> untagged = new ArrayList<>();
    List<String> deleted = new ArrayList<>();
    List<String> errors = new ArrayList<>();
    int exit = 0;
    for (String n : names) {
      try {
        var r = images.remove(n, force);
        untagged.addAll(r.untagged());
        if (r.deleted()) {
          deleted.add(r.id());
        }
      } catch (NoSuchObjectException e) {
        errors.add(e.getMessage());
        exit = Math.max(exit, 1);
      } catch (ConflictException e) {
        errors.add(e.getMessage());
        exit = 2;
      }
    }
    Map<String, Object> report = new LinkedHashMap<>();
    report.put("Untagged", untagged);
    report.put("Deleted", deleted);
    report.put("ExitCode", exit);
    report.put("Errors", errors.isEmpty() ? null : errors);
    return report;
  }

  @DELETE
  @Path("{name: .+}")
  public List<Map<String, Object>> removeOne(@PathParam("name") String name, @QueryParam("force") boolean force) {
    var r = images.remove(name, force);
    List<Map<String, Object>> out = new ArrayList<>();
    r.untagged().forEach(u -> out.add(Map.of("Untagged", u)));
    if (r.deleted()) {
      out.add(Map.of("Deleted", r.id()));
    }
    return out;
  }

  @POST
  @Path("prune")
  public List<Map<String, Object>> prune() {
    return images.prune().stream().map(id -> Map.<String, Object>of("Id", id, "Size", 0)).toList();
  }
}
