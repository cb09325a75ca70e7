package dev.skiff.api;

import dev.skiff.config.BuildInfo;
import io.vertx.core.MultiMap;

/** Headers every response carries, and the extra ones of {@code _ping}. */
final class ApiHeaders {

  private ApiHeaders() {}

  static void addCommon(MultiMap h) {
    h.set("Api-Version", BuildInfo.DOCKER_API_VERSION);
    h.set("Libpod-Api-Version", BuildInfo.LIBPOD_API_VERSION);
    h.set("Server", "Libpod/" + BuildInfo.LIBPOD_API_VERSION + " (linux; skiff " + BuildInfo.current().version() + ")");
  }
}
