package dev.skiff.image.layer;

import java.util.Optional;

/**
 * A layer could not be extracted: an unsafe or invalid entry, a size limit, or a failure to
 * apply ownership. The message names the tar entry when there is one.
 */
public final class LayerExtractionException extends Exception {
  private final String entry;

  public LayerExtractionException(String entry, String reason) {
    super(entry == null ? reason : "layer entry \"" + entry + "\": " + reason);
    this.entry = entry;
  }

  public LayerExtractionException(String entry, String reason, Throwable cause) {
    this(entry, reason);
    initCause(cause);
  }

  /** The offending entry's name as it appeared in the tar, when the error is about one. */
  public Optional<String> entry() {
    return Optional.ofNullable(entry);
  }
}
