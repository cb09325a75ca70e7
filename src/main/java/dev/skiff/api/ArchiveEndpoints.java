package dev.skiff.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.skiff.engine.InvalidArgumentException;
import dev.skiff.engine.container.ContainerArchive;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.core.MultivaluedMap;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.StreamingOutput;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import org.jboss.logging.Logger;

/**
 * {@code /containers/{name}/archive} (HEAD, GET, PUT), the same for both flavours as in Podman
 * 4.3.1 (compat.Archive), except {@code copyUIDGID}'s default: true on the libpod path.
 */
@ApplicationScoped
public class ArchiveEndpoints {

  /** The header carrying the path's stat (base64, URL alphabet, of Podman's define.FileInfo JSON). */
  public static final String STAT_HEADER = "X-Docker-Container-Path-Stat";
  private static final Logger LOG = Logger.getLogger(ArchiveEndpoints.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  private final ContainerArchive archive;

  public ArchiveEndpoints(ContainerArchive archive) {
    this.archive = archive;
  }

  public Response head(String name, String path) {
    return Response.ok().header(STAT_HEADER, statHeader(name, path)).build();
  }

  public Response get(String name, String path) {
    String stat = statHeader(name, path); // 404 and other errors before the status goes out
    StreamingOutput body = out -> {
      try {
        archive.get(name, path, out);
      } catch (RuntimeException e) {
        LOG.warnf("copying %s out of container %s stopped: %s", path, name, e.getMessage());
        throw new java.io.IOException(e.getMessage(), e); // cuts the stream: the client sees a short tar
      }
    };
    return Response.ok(body).type("application/x-tar").header(STAT_HEADER, stat).build();
  }

  /** {@code GET /containers/{name}/export}: the container's own filesystem as a tar (both flavours). */
  public Response export(String name) {
    archive.stat(name, "/"); // a missing container (404) or any other failure before the status goes out
    StreamingOutput body = out -> {
      try {
        archive.export(name, out);
      } catch (RuntimeException e) {
        LOG.warnf("exporting container %s stopped: %s", name, e.getMessage());
        throw new java.io.IOException(e.getMessage(), e); // cuts the stream: the client sees a short tar
      }
    };
    return Response.ok(body).type("application/x-tar").build();
  }

  /** PUT: query parameters are matched case-insensitively (podman sends {@code nooverwritedirnondir}). */
  public Response put(String name, MultivaluedMap<String, String> query, boolean libpod, InputStream body) {
    String path = param(query, "path");
    boolean chown = bool(query, "copyUIDGID", libpod);
    boolean noOverwrite = bool(query, "noOverwriteDirNonDir", false);
    archive.put(name, path, body, new ContainerArchive.PutOptions(chown, noOverwrite, rename(param(query, "rename"))));
    return Response.ok().build();
  }

  private String statHeader(String name, String path) {
    return Base64.getUrlEncoder().encodeToString(archive.stat(name, path).getBytes(StandardCharsets.UTF_8));
  }

  private static String param(MultivaluedMap<String, String> query, String key) {
    for (Map.Entry<String, java.util.List<String>> e : query.entrySet()) {
      if (e.getKey().equalsIgnoreCase(key) && !e.getValue().isEmpty()) {
        return e.getValue().get(0);
      }
    }
    return null;
  }

  static boolean bool(MultivaluedMap<String, String> query, String key, boolean dflt) {
    String v = param(query, key);
    if (v == null || v.isEmpty()) {
      return dflt;
    }
    return switch (v.toLowerCase(java.util.Locale.ROOT)) {
      case "1", "true", "t" -> true;
      case "0", "false", "f" -> false;
      default -> throw new InvalidArgumentException("couldn't decode the query: " + key + "=" + v + " is not a boolean");
    };
  }

  static Map<String, String> rename(String json) {
    if (json == null || json.isEmpty()) {
      return Map.of();
    }
    try {
      return JSON.readValue(json, new com.fasterxml.jackson.core.type.TypeReference<Map<String, String>>() {});
    } catch (java.io.IOException e) {
      throw new InvalidArgumentException("couldn't decode the query field 'rename': " + e.getMessage());
    }
  }
}
