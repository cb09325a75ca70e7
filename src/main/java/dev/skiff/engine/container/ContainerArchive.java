package dev.skiff.engine.container;

import com.fasterxml.jackson.databind.JsonNode;
import dev.skiff.config.SkiffConfig;
import dev.skiff.engine.ConflictException;
import dev.skiff.engine.ContainerStateException;
import dev.skiff.engine.DaemonIdentity;
import dev.skiff.engine.InvalidArgumentException;
import dev.skiff.engine.NoSuchObjectException;
import dev.skiff.engine.PermissionDeniedException;
import dev.skiff.engine.SkiffException;
import dev.skiff.image.archive.Compression;
import dev.skiff.runtime.ShimArchive;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Copying into and out of containers ({@code podman cp}, {@code docker cp}, Testcontainers): stat,
 * tar of a path, extraction of a tar. The work is {@code skiff-shim archive}'s, inside the
 * container's user and mount namespaces (a running container) or a private mount of its rootfs
 * and bind mounts (one that does not run, locked meanwhile so that it cannot start); every path is
 * resolved inside the container's root.
 */
@ApplicationScoped
public class ContainerArchive {

  private static final org.jboss.logging.Logger LOG = org.jboss.logging.Logger.getLogger(ContainerArchive.class);

  /** The options of an extraction. {@code chown}: owners become the container's user (else the tar's). */
  public record PutOptions(boolean chown, boolean noOverwriteDirNonDir, Map<String, String> rename) {
    public PutOptions {
      rename = rename == null ? Map.of() : Map.copyOf(rename);
    }
  }

  private final ContainerService containers;
  private final SkiffConfig config;
  private final DaemonIdentity identity;

  public ContainerArchive(ContainerService containers, SkiffConfig config, DaemonIdentity identity) {
    this.containers = containers;
    this.config = config;
    this.identity = identity;
  }

  /** The path's stat as Podman's {@code define.FileInfo} JSON (for X-Docker-Container-Path-Stat). */
  public String stat(String nameOrId, String path) {
    return run(nameOrId, path, (c, target, abs) -> shim().stat(target, abs));
  }

  /**
   * Writes a tar of the path to out (a container that does not run stays locked meanwhile). Call
   * {@link #stat} first: an error here, once bytes went out, can only cut the stream.
   */
  public void get(String nameOrId, String path, java.io.OutputStream out) {
    run(nameOrId, path, (c, target, abs) -> {
      shim().get(target, abs, out);
      return null;
    });
  }

  /**
   * Writes the container's own filesystem as a tar to out ({@code podman export}, {@code docker
   * export}): its root, without what its mounts bring (volumes, bind mounts, tmpfs, /proc, /sys,
   * /dev, the generated /etc/hosts...): their mount points are there, empty. Owners are as the
   * container sees them.
   */
  public void export(String nameOrId, java.io.OutputStream out) {
    run(nameOrId, "/", (c, target, abs) -> {
      shim().get(target, abs, true, out);
      return null;
    });
  }

  /** Extracts the tar (gzip or zstd compressed, or not) below the directory path; returns the entry count. */
  public int put(String nameOrId, String path, InputStream tar, PutOptions o) {
    return run(nameOrId, path, (c, target, abs) -> {
      List<String> args = new ArrayList<>();
      if (o.chown()) {
        JsonNode user = c.oci().path("process").path("user");
        args.addAll(List.of("--chown", user.path("uid").asLong(0) + ":" + user.path("gid").asLong(0)));
      }
      if (o.noOverwriteDirNonDir()) {
        args.add("--no-overwrite-dir-non-dir");
      }
      o.rename().forEach((from, to) -> args.addAll(List.of("--rename", renameArg(from, to))));
      return shim().put(target, abs, args, Compression.decompressing(tar));
    });
  }

  private static String renameArg(String from, String to) {
    if (from.isEmpty() || to.isEmpty() || from.contains("=")) {
      throw new InvalidArgumentException("rename " + from + " -> " + to + ": names must be non-empty, without '='");
    }
    return from + "=" + to;
  }

  private interface Work<T> {
    T apply(ContainerRecord c, ShimArchive.Target target, String absolutePath) throws IOException;
  }

  private <T> T run(String nameOrId, String path, Work<T> work) {
    if (path == null || path.isEmpty()) {
      throw new InvalidArgumentException("missing `path` parameter");
    }
    if (path.indexOf('\0') >= 0) {
      throw new InvalidArgumentException("path contains a NUL byte");
    }
    return containers.withFilesystem(nameOrId, (c, bundle) -> {
      String abs = absolute(c, path);
      ShimArchive.Target target = bundle == null ? ShimArchive.Target.running(c.pid()) : ShimArchive.Target.stopped(bundle);
      try {
        return work.apply(c, target, abs);
      } catch (ShimArchive.Failure f) {
        throw failure(c, path, f);
      } catch (IOException e) {
        LOG.warnf("copying %s for container %s: %s", path, c.id(), e.toString());
        throw new ArchiveException("copying for container " + c.id() + ": " + e.getMessage());
      }
    });
  }

  /** A relative path is relative to the container's working directory, as in Podman. */
  static String absolute(ContainerRecord c, String path) {
    if (path.startsWith("/")) {
      return path;
    }
    String cwd = c.oci().path("process").path("cwd").asText("/");
    if (cwd.isEmpty()) {
      cwd = "/";
    }
    return (cwd.endsWith("/") ? cwd : cwd + "/") + path;
  }

  private static SkiffException failure(ContainerRecord c, String path, ShimArchive.Failure f) {
    String msg = f.getMessage();
    return switch (f.errno()) {
      case 2 -> new NoSuchObjectException("\"" + path + "\" in container " + c.id() + ": " + msg,
          "no such file or directory");
      case 3 -> new ConflictException("container " + c.id() + " stopped during the copy", "container state improper");
      case 1, 5, 17, 20, 21, 22, 36, 40, 75 -> new InvalidArgumentException(msg);
      case 13, 30 -> new PermissionDeniedException(msg);
      default -> {
        LOG.warnf("copying %s for container %s: errno %d: %s", path, c.id(), f.errno(), msg);
        yield new ArchiveException("copying for container " + c.id() + ": " + msg);
      }
    };
  }

  private ShimArchive shim() {
    return new ShimArchive(config.shim().orElseThrow(
        () -> new ContainerStateException("skiff-shim is not configured; start skiffd through bin/skiffd")),
        identity.holder().orElse(null));
  }

  /** A copy that failed for a reason that is not the client's (500). */
  public static final class ArchiveException extends SkiffException {
    ArchiveException(String message) {
      super(message, "internal error");
    }
  }
}
