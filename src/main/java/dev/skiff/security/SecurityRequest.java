package dev.skiff.security;

import java.util.List;
import java.util.Objects;

/**
 * The security part of a container request.
 *
 * @param capAdd {@code --cap-add} values
 * @param capDrop {@code --cap-drop} values
 * @param privileged {@code --privileged}
 * @param nonRootUser the process runs as a uid other than 0 (also true for {@code keep-id} without
 *     {@code --user}, as in Podman)
 * @param options the {@code --security-opt} values
 */
public record SecurityRequest(
    List<String> capAdd,
    List<String> capDrop,
    boolean privileged,
    boolean nonRootUser,
    SecurityOptions options) {

  public SecurityRequest {
    capAdd = List.copyOf(capAdd);
    capDrop = List.copyOf(capDrop);
    Objects.requireNonNull(options, "options");
  }

  public static SecurityRequest defaults() {
    return new SecurityRequest(
        List.of(), List.of(), false, false, SecurityOptions.parse(List.of()));
  }
}
