package dev.skiff.engine;

/**
 * The container is in the wrong state for the request. The message ends with libpod's phrase
 * "container state improper", which podman-remote matches; the API answers 500 on the libpod
 * path as Podman 4.3 does, 409 on the Docker path.
 */
public class ContainerStateException extends SkiffException {
  public ContainerStateException(String message) {
    super(message, "container state improper");
  }
}
