package dev.skiff.engine.container;

import dev.skiff.engine.InvalidArgumentException;
import dev.skiff.runtime.oci.OciSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Function;

/** The mounts of a container: the standard kernel filesystems, then binds, tmpfs and volumes. */
final class MountResolver {

  private static final Set<String> BIND_OPTIONS = Set.of("ro", "rw", "z", "Z", "nosuid", "suid", "nodev", "dev",
      "noexec", "exec", "bind", "rbind", "private", "rprivate", "shared", "rshared", "slave", "rslave", "U");
  private static final Set<String> TMPFS_FLAGS = Set.of("ro", "rw", "nosuid", "suid", "nodev", "dev", "noexec",
      "exec", "tmpcopyup", "notmpcopyup", "rprivate", "private", "strictatime", "relatime", "noatime");

  private MountResolver() {}

  static List<OciSpec.Mount> standard(boolean hostNetwork) {
    List<OciSpec.Mount> m = new ArrayList<>();
    m.add(new OciSpec.Mount("/proc", "proc", "proc", List.of("nosuid", "noexec", "nodev")));
    m.add(new OciSpec.Mount("/dev", "tmpfs", "tmpfs", List.of("nosuid", "strictatime", "mode=755", "size=65536k")));
    m.add(new OciSpec.Mount("/dev/pts", "devpts", "devpts",
        List.of("nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620")));
    m.add(new OciSpec.Mount("/dev/shm", "tmpfs", "shm", List.of("nosuid", "noexec", "nodev", "mode=1777", "size=65536k")));
    m.add(new OciSpec.Mount("/dev/mqueue", "mqueue", "mqueue", List.of("nosuid", "noexec", "nodev")));
    m.add(new OciSpec.Mount("/sys", "sysfs", "sysfs", List.of("nosuid", "noexec", "nodev", "ro")));
    return m;
  }

  /**
   * The requested mounts, validated: absolute destinations, no destination twice, existing bind
   * sources, known options. {@code volumePath} gives a volume's directory (creating a named volume
   * that does not exist yet, or the container's anonymous volume for that destination).
   */
  static List<OciSpec.Mount> requested(ContainerSpec.Storage s, Function<ContainerSpec.VolumeMount, Path> volumePath) {
    List<OciSpec.Mount> out = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    for (ContainerSpec.Mount m : s.mounts()) {
      checkDestination(m.destination(), seen);
      switch (m.type()) {
        case "bind" -> out.add(bind(m));
        case "tmpfs" -> out.add(tmpfs(m));
        default -> throw new InvalidArgumentException("unsupported mount type \"" + m.type() + "\" for "
            + m.destination() + ": bind and tmpfs are supported");
      }
    }
    for (ContainerSpec.VolumeMount v : s.volumes()) {
      checkDestination(v.dest(), seen);
      Path src = volumePath.apply(v);
      List<String> opts = new ArrayList<>(List.of("rbind", "nosuid", "nodev"));
      opts.add(v.options().contains("ro") ? "ro" : "rw");
      out.add(new OciSpec.Mount(v.dest(), "bind", src.toString(), opts));
    }
    return out;
  }

  private static void checkDestination(String dest, Set<String> seen) {
    if (dest.isEmpty() || !dest.startsWith("/")) {
      throw new InvalidArgumentException("invalid mount destination \"" + dest + "\": it must be an absolute path");
    }
    if (List.of(Path.of(dest).normalize().toString().split("/")).contains("..")) {
      throw new InvalidArgumentException("invalid mount destination \"" + dest + "\": \"..\" is not allowed");
    }
    if (!seen.add(Path.of(dest).normalize().toString())) {
      throw new InvalidArgumentException("duplicate mount destination " + dest);
    }
  }

  private static OciSpec.Mount bind(ContainerSpec.Mount m) {
    if (!m.source().startsWith("/")) {
      throw new InvalidArgumentException("invalid bind source \"" + m.source() + "\" for " + m.destination()
          + ": it must be an absolute path on the daemon's host");
    }
    if (!Files.exists(Path.of(m.source()))) {
      throw new InvalidArgumentException("bind source " + m.source() + " does not exist: no such file or directory");
    }
    List<String> opts = new ArrayList<>(List.of("rbind"));
    boolean ro = false;
    for (String o : m.options()) {
      if (!BIND_OPTIONS.contains(o)) {
        throw new InvalidArgumentException("invalid bind mount option \"" + o + "\" for " + m.destination());
      }
      if (o.equals("ro")) {
        ro = true;
      } else if (!List.of("rw", "z", "Z", "bind", "rbind", "U").contains(o)) {
        opts.add(o);
      }
    }
    opts.add(ro ? "ro" : "rw");
    return new OciSpec.Mount(m.destination(), "bind", m.source(), opts);
  }

  private static OciSpec.Mount tmpfs(ContainerSpec.Mount m) {
    List<String> opts = new ArrayList<>();
    for (String o : m.options()) {
      if (o.startsWith("size=")) {
        checkSize(o, m.destination());
        opts.add(o);
      } else if (o.startsWith("mode=")) {
        if (!o.substring(5).matches("[0-7]{3,4}")) {
          throw new InvalidArgumentException("invalid tmpfs mode \"" + o + "\" for " + m.destination());
        }
        opts.add(o);
      } else if (TMPFS_FLAGS.contains(o)) {
        if (!List.of("tmpcopyup", "notmpcopyup", "rprivate", "private").contains(o)) {
          opts.add(o);
        }
      } else {
        throw new InvalidArgumentException("invalid tmpfs option \"" + o + "\" for " + m.destination());
      }
    }
    if (opts.stream().noneMatch(o -> o.equals("nosuid") || o.equals("suid"))) {
      opts.add("nosuid");
    }
    if (opts.stream().noneMatch(o -> o.equals("nodev") || o.equals("dev"))) {
      opts.add("nodev");
    }
    return new OciSpec.Mount(m.destination(), "tmpfs", "tmpfs", opts);
  }

  private static void checkSize(String o, String dest) {
    if (!o.substring(5).matches("[0-9]+[kKmMgG%]?")) {
      throw new InvalidArgumentException("invalid tmpfs size \"" + o + "\" for " + dest);
    }
  }
}
