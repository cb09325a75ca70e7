package dev.skiff.engine.container;

import dev.skiff.engine.ConflictException;
import dev.skiff.engine.Volume;
import dev.skiff.engine.VolumeService;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.function.Predicate;

/**
 * Volumes as containers use them: a volume a container mounts cannot be removed without force
 * (which removes the containers first), prune leaves used volumes alone, and a container's
 * anonymous volumes go with it on {@code rm -v} and on {@code --rm}.
 */
@ApplicationScoped
public class ContainerVolumes {

  private final ContainerService containers;
  private final VolumeService volumes;

  public ContainerVolumes(ContainerService containers, VolumeService volumes) {
    this.containers = containers;
    this.volumes = volumes;
  }

  /** Ids of the containers that mount the volume {@code name}. */
  public List<String> users(String name) {
    return containers.list(c -> uses(c, name)).stream().map(ContainerRecord::id).toList();
  }

  static boolean uses(ContainerRecord c, String volume) {
    return c.spec().storage().volumes().stream().anyMatch(v -> volume.equals(
        v.name().isEmpty() ? VolumeService.anonymousName(c.id(), v.dest()) : v.name()));
  }

  public void remove(String name, boolean force) {
    volumes.inspect(name); // 404 before anything else
    List<String> users = users(name);
    if (!users.isEmpty() && !force) {
      throw new ConflictException("volume " + name + " is being used by the following container(s): "
          + String.join(", ", users) + ": volume is being used", "volume is being used");
    }
    for (String id : users) {
      removeContainer(id, true, 0, false);
    }
    volumes.remove(name, force, containers::removeTreeInUserNamespace);
  }

  /** Removes the unused volumes {@code filter} selects. */
  public List<Volume> prune(Predicate<Volume> filter) {
    List<Volume> unused = volumes.list(filter.and(v -> users(v.name()).isEmpty()));
    unused.forEach(v -> volumes.remove(v.name(), false, containers::removeTreeInUserNamespace));
    return unused;
  }

  /** Removes a container and, with {@code anonymousVolumes}, the anonymous volumes it mounted. */
  public ContainerRecord removeContainer(String nameOrId, boolean force, int timeout, boolean anonymousVolumes) {
    ContainerRecord c = containers.remove(nameOrId, force, timeout);
    if (anonymousVolumes) {
      removeAnonymous(c);
    }
    return c;
  }

  /** The container's anonymous volumes (it is gone already). */
  public void removeAnonymous(ContainerRecord c) {
    for (ContainerSpec.VolumeMount v : c.spec().storage().volumes()) {
      if (v.name().isEmpty()) {
        String name = VolumeService.anonymousName(c.id(), v.dest());
        if (volumes.exists(name)) {
          volumes.remove(name, true, containers::removeTreeInUserNamespace);
        }
      }
    }
  }
}
