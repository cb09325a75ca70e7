package dev.skiff.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.skiff.engine.InvalidArgumentException;
import dev.skiff.engine.SkiffException;
import dev.skiff.engine.image.ImageRecord;
import dev.skiff.engine.image.ImageService;
import dev.skiff.engine.image.PullService;
import dev.skiff.image.registry.ImagePuller;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.StreamingOutput;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** What the image resources of both flavours share. */
@ApplicationScoped
public class ImageEndpoints {

  private static final ObjectMapper JSON = new ObjectMapper();
  private final ImageService images;
  private final PullService pulls;

  public ImageEndpoints(ImageService images, PullService pulls) {
    this.images = images;
    this.pulls = pulls;
  }

  public ImageService images() {
    return images;
  }

  public List<Map<String, Object>> list(boolean compat) {
    return images.listWithNames().stream().map(l -> {
      var cfg = images.config(l.image());
      return compat ? ImageMapper.compatListEntry(l.image(), l.names(), cfg, l.containers())
          : ImageMapper.libpodListEntry(l.image(), l.names(), cfg, l.containers());
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

  /** The libpod pull's query, as podman-remote 4.3.1 sends it (wire doc §2.1). */
  public record LibpodPull(String reference, String policy, Boolean tlsVerify, boolean quiet, boolean allTags,
      String arch, String os, String variant, String authHeader) {}

  /**
   * {@code POST /libpod/images/pull}: request errors are 400s; after that HTTP 200 and one JSON
   * object per line, flushed each: {@code {"stream":...}} progress, then {@code {"images":[id],"id":id}}
   * or {@code {"error":...}}.
   */
  public Response libpodPull(LibpodPull q) {
    refusePlatform(q.arch(), q.os(), q.variant());
    PullService.Request req = pulls.prepare(q.reference(), q.policy(), q.tlsVerify(), q.authHeader(), q.allTags());
    StreamingOutput body = out -> {
      JsonLines lines = new JsonLines(out);
      try {
        List<String> ids = pulls.pull(req, (step, detail) -> {
          if (!q.quiet()) {
            lines.write(Map.of("stream", libpodText(step, detail)));
          }
        });
        Map<String, Object> done = new LinkedHashMap<>();
        done.put("images", ids);
        done.put("id", ids.get(ids.size() - 1));
        lines.write(done);
      } catch (SkiffException e) {
        lines.write(Map.of("error", e.getMessage()));
      }
    };
    return Response.ok(body).type("application/json").build();
  }

  private static String libpodText(ImagePuller.Step step, String detail) {
    return switch (step) {
      case TRYING -> "Trying to pull " + detail + "...\n";
      case BLOB -> "Copying blob " + detail + "\n";
      case BLOB_SKIPPED -> "Copying blob " + detail + " skipped: already exists\n";
      case CONFIG -> "Copying config " + detail + "\n";
      case MANIFEST -> "Writing manifest to image destination\nStoring signatures\n";
    };
  }

  /**
   * {@code POST /images/create?fromImage=} (docker pull): HTTP 200 and Docker's progress lines
   * ({@code {"status","id"}}), errors as {@code {"errorDetail":{"message"},"error"}}. An empty tag
   * means {@code latest} (not all tags); a tag that is a digest pulls by digest.
   */
  public Response compatPull(String fromImage, String tag, String platform, String authHeader) {
    if (platform != null && !platform.isBlank() && !platform.equals("linux/amd64") && !platform.equals("linux")) {
      throw new InvalidArgumentException("platform \"" + platform + "\" is not supported: skiffd pulls linux/amd64");
    }
    if (fromImage == null || fromImage.isBlank()) {
      throw new InvalidArgumentException("fromImage or fromSrc is required");
    }
    String ref = fromImage;
    if (tag != null && !tag.isBlank()) {
      ref = fromImage + (tag.contains(":") ? "@" : ":") + tag;
    }
    PullService.Request req = pulls.prepare(ref, "always", null, authHeader, false);
    StreamingOutput body = out -> {
      JsonLines lines = new JsonLines(out);
      try {
        pulls.pull(req, (step, detail) -> lines.write(compatStatus(step, detail)));
        lines.write(Map.of("status", "Status: Downloaded newer image for " + req.candidates().get(0)));
      } catch (SkiffException e) {
        lines.write(Map.of("errorDetail", Map.of("message", e.getMessage()), "error", e.getMessage()));
      }
    };
    return Response.ok(body).type("application/json").build();
  }

  private static Map<String, Object> compatStatus(ImagePuller.Step step, String detail) {
    String id = detail.startsWith("sha256:") && detail.length() >= 19 ? detail.substring(7, 19) : detail;
    return switch (step) {
      case TRYING -> Map.of("status", "Pulling from " + detail);
      case BLOB -> Map.of("status", "Pull complete", "progressDetail", Map.of(), "id", id);
      case BLOB_SKIPPED -> Map.of("status", "Already exists", "progressDetail", Map.of(), "id", id);
      case CONFIG -> Map.of("status", "Config " + detail);
      case MANIFEST -> Map.of("status", "Digest: " + detail);
    };
  }

  /** An optional boolean query parameter: absent or empty is null; anything but true/false is a 400. */
  public static Boolean bool(String name, String value) {
    if (value == null || value.isEmpty()) {
      return null;
    }
    if (value.equalsIgnoreCase("true") || value.equals("1")) {
      return true;
    }
    if (value.equalsIgnoreCase("false") || value.equals("0")) {
      return false;
    }
    throw new InvalidArgumentException("invalid " + name + " \"" + value + "\": use true or false");
  }

  private static void refusePlatform(String arch, String os, String variant) {
    if (arch != null && !arch.isBlank() && !arch.equals(ImagePuller.ARCHITECTURE)) {
      throw new InvalidArgumentException("arch \"" + arch + "\" is not supported: skiffd pulls linux/amd64");
    }
    if (os != null && !os.isBlank() && !os.equals(ImagePuller.OS)) {
      throw new InvalidArgumentException("os \"" + os + "\" is not supported: skiffd pulls linux/amd64");
    }
    if (variant != null && !variant.isBlank()) {
      throw new InvalidArgumentException("variant \"" + variant + "\" is not supported: skiffd pulls linux/amd64");
    }
  }

  /** Newline-delimited JSON records, each flushed so the client sees it at once. */
  private static final class JsonLines {
    private final OutputStream out;

    JsonLines(OutputStream out) {
      this.out = out;
    }

    void write(Object record) {
      try {
        out.write(JSON.writeValueAsBytes(record));
        out.write('\n');
        out.flush();
      } catch (IOException e) {
        throw new UncheckedIOException("the client went away", e);
      }
    }
  }
}
