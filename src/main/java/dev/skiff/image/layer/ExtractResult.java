package dev.skiff.image.layer;

import java.util.List;

/**
 * What an extraction did.
 *
 * @param entries tar entries read
 * @param bytes regular-file bytes written
 * @param warnings entries skipped or attributes dropped, one sentence each naming the entry
 */
public record ExtractResult(long entries, long bytes, List<String> warnings) {
  public ExtractResult {
    warnings = List.copyOf(warnings);
  }
}
