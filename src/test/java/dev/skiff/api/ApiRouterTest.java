package dev.skiff.api;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The version segment the {@code _ping} fast path accepts is upstream's {@code /v[0-9][0-9A-Za-z.-]*}. */
class ApiRouterTest {

  private static boolean prefix(String p) {
    return ApiRouter.isVersionSegment(p + "/_ping", p.length());
  }

  @Test
  void isVersionSegment_acceptsClientVersions() {
    assertTrue(prefix("/v4.3.1"));
    assertTrue(prefix("/v1.41"));
    assertTrue(prefix("/v1"));
    assertTrue(prefix("/v5.0.0-dev"));
  }

  @Test
  void isVersionSegment_refusesOtherSegments() {
    assertFalse(prefix("/v"));
    assertFalse(prefix("/va"));
    assertFalse(prefix("/x1"));
    assertFalse(prefix("/v1/x"));
    assertFalse(prefix("/v1_2"));
    assertFalse(prefix(""));
  }
}
