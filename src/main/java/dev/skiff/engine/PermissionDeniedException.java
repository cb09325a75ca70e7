package dev.skiff.engine;

/** The caller or this daemon may not do what was asked (403), e.g. an admin action on a rootless daemon. */
public class PermissionDeniedException extends SkiffException {
  public PermissionDeniedException(String message) {
    super(message, "permission denied");
  }
}
