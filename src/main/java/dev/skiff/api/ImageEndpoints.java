package dev.skiff.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.skiff.engine.InvalidArgumentException;
import dev.skiff.engine.image.ImageRecord;
import dev.skiff.engine.image.ImageService;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.StreamingOutput;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/** What the image resources of both flavours share. */
@ApplicationScoped
public class ImageEndpoints {

  private static final ObjectMapper JSON = new ObjectMapper();
  private final ImageService images;

  public ImageEndpoints(ImageService images) {
    this.images = images;
  }

  public ImageService images() {
    return images;
  }

  public List<Map<String, Object>> list(boolean compat) {
    return images.list(r -> true).stream().map(r -> {
      var names = images.names(r);
      var cfg = images.config(r);
      long used = images.containersUsing(r);
      return compat ? ImageMapper.compatListEntry(r, names, cfg, used) : ImageMapper.libpodListEntry(r, names, cfg, used);
    }).toList();
  }

  public Map<String, Object> inspect(String name, boolean compat) {
    ImageRecord r = images.inspect(name);
    return ImageMapper.inspect(r, images.names(r), images.config(r), compat);
  }

  /**
   * {@code podman save} / {@code docker save}: the images are resolved first (so an unknown name
   * is a JSON 404), then the tar is streamed.
   */
  public Response save(List<String> names, String format, boolean compress) {
    if (compress) {
      throw new InvalidArgumentException("compress applies to directory formats, which skiffd does not write");
    }
    ImageService.SaveSet set = images.save(names, ImageService.ArchiveFormat.parse(format));
    StreamingOutput body = out -> images.writeArchive(set, out);
    return Response.ok(body).type("application/x-tar").build();
  }

  /** Import reads the request body only: a URL source is refused rather than ignored. */
  public void refuseImportUrl(String url) {
    if (url != null && !url.isBlank()) {
      throw new InvalidArgumentException("importing from a URL (" + url + ") is not supported by skiffd:"
          + " send the rootfs tarball as the request body");
    }
  }

  public void refuseVariant(String variant) {
    if (variant != null && !variant.isBlank()) {
      throw new InvalidArgumentException("an image variant (" + variant + ") is not supported by skiffd's import");
    }
  }

  /**
   * The pull stream podman-remote reads. Skiff has no registry client yet: an image that is
   * present satisfies {@code missing} and {@code never}; anything that needs a registry is an
   * {@code error} record saying so.
   */
  public Response pull(String reference, String policy) {
    if (reference == null || reference.isBlank()) {
      throw new InvalidArgumentException("pull needs a reference");
    }
    String p = policy == null || policy.isEmpty() ? "always" : policy;
    if (!List.of("always", "missing", "never", "newer").contains(p)) {
      throw new InvalidArgumentException("invalid pull policy \"" + p + "\": use always, missing, never or newer");
    }
    var local = images.find(reference);
    Map<String, Object> record;
    if (local.isPresent() && !p.equals("always")) {
      record = Map.of("images", List.of(local.get().id()), "id", local.get().id());
    } else if (local.isEmpty() && p.equals("never")) {
      record = Map.of("error", reference + ": image not known");
    } else {
      record = Map.of("error", "pulling " + reference + " from a registry is not supported yet by skiffd;"
          + " load it with `podman load` / `docker load` instead");
    }
    StreamingOutput body = out -> {
      out.write(JSON.writeValueAsString(record).getBytes(StandardCharsets.UTF_8));
      out.write('\n');
    };
    return Response.ok(body).type("application/json").build();
  }
}
