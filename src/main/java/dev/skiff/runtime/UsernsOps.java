package dev.skiff.runtime;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.skiff.security.IdMap;
import dev.skiff.security.IdMapping;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * File operations a rootless daemon needs inside a user namespace mapped like its containers
 * ({@code skiff-shim userns-run}): chown to subordinate IDs, and removing trees that subordinate
 * IDs own. See src/main/native/userns_ops.c for the request format.
 */
public final class UsernsOps {

  /** One owner to set, ids as the container sees them, path relative to the operation's root. */
  public record Chown(String path, long uid, long gid, int mode) {}

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String PREFIX = "in the daemon's user namespace: ";
  private final Path shim;
  private final IdMap uids;
  private final IdMap gids;

  private final NamespaceHolder holder;

  public UsernsOps(Path shim, IdMap uids, IdMap gids) {
    this(shim, uids, gids, null);
  }

  /** With the namespace holder (null = none): the operation's namespace is cloned inside it. */
  public UsernsOps(Path shim, IdMap uids, IdMap gids, NamespaceHolder holder) {
    this.shim = shim;
    this.uids = uids;
    this.gids = gids;
    this.holder = holder;
  }

  /** Sets the owners (and then the modes, which chown may have cleared) beneath {@code root}. */
  public void chown(Path root, List<Chown> entries) throws IOException {
    ObjectNode req = request("chown");
    req.put("root", root.toAbsolutePath().toString());
    ArrayNode a = req.putArray("entries");
    for (Chown c : entries) {
      ObjectNode e = a.addObject();
      e.put("path", c.path());
      e.put("uid", c.uid());
      e.put("gid", c.gid());
      if (c.mode() >= 0) {
        e.put("mode", c.mode());
      }
    }
    run(req);
  }

  /** Removes the trees (absolute paths), whoever of the mapped IDs owns what is inside. */
  public void remove(List<Path> paths) throws IOException {
    ObjectNode req = request("remove");
    ArrayNode a = req.putArray("paths");
    paths.forEach(p -> a.add(p.toAbsolutePath().normalize().toString()));
    run(req);
  }

  /**
   * Copies the tree {@code source} to the new directory {@code target}, each owner moved through
   * the shifts ({@link IdMapping#containerId} → {@link IdMapping#hostId}, IDs of this namespace);
   * modes, xattrs, hard links and times kept. An owner no shift covers fails the copy.
   */
  public void copyShifted(Path source, Path target, IdMap uidShift, IdMap gidShift) throws IOException {
    ObjectNode req = request("copy-shifted");
    req.put("source", source.toAbsolutePath().toString());
    req.put("target", target.toAbsolutePath().toString());
    for (var e : List.of(java.util.Map.entry("uidShift", uidShift), java.util.Map.entry("gidShift", gidShift))) {
      ArrayNode a = req.putArray(e.getKey());
      for (IdMapping m : e.getValue().mappings()) {
        a.addObject().put("from", m.containerId()).put("to", m.hostId()).put("size", m.size());
      }
    }
    run(req);
  }

  private ObjectNode request(String op) {
    ObjectNode req = JSON.createObjectNode();
    ObjectNode linux = req.putObject("linux");
    linux.set("uidMappings", JSON.valueToTree(uids.toOciList()));
    linux.set("gidMappings", JSON.valueToTree(gids.toOciList()));
    req.put("op", op);
    return req;
  }

  private void run(ObjectNode req) throws IOException {
    try {
      runOnce(req);
    } catch (IOException e) {
      if (holder == null || e.getMessage() == null || !e.getMessage().startsWith(PREFIX + "namespace holder")) {
        throw e;
      }
      // the holder died (or was replaced) since the daemon last looked: once more
      holder.invalidate();
      runOnce(req);
    }
  }

  private void runOnce(ObjectNode req) throws IOException {
    List<String> cmd = new java.util.ArrayList<>(List.of(shim.toString(), "userns-run"));
    cmd.addAll(NamespaceHolder.args(holder));
    Process p = new ProcessBuilder(cmd)
        .redirectError(ProcessBuilder.Redirect.DISCARD)
        .start();
    try (OutputStream in = p.getOutputStream()) {
      in.write(JSON.writeValueAsBytes(req));
    }
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
    try {
      if (!p.waitFor(120, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new IOException("skiff-shim userns-run did not finish within 120 s");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while waiting for skiff-shim userns-run", e);
    }
    if (p.exitValue() != 0) {
      String why = out;
      try {
        JsonNode err = JSON.readTree(out.lines().reduce((a, b) -> b).orElse("{}"));
        if (err.has("message")) {
          why = err.get("message").asText();
        }
      } catch (IOException unparsable) {
        // keep the raw text
      }
      throw new IOException(PREFIX + (why.isEmpty() ? "exit " + p.exitValue() : why));
    }
  }
}
