package dev.skiff.api;

import dev.skiff.config.BuildInfo;
import jakarta.ws.rs.core.Response;

/** The {@code _ping} answer shared by both flavours (headers as podman 4.3.1 sends them). */
final class Ping {

  private Ping() {}

  static Response response(boolean withBody) {
    Response.ResponseBuilder b = Response.ok(withBody ? "OK" : null)
        .type("text/plain; charset=utf-8")
        .header("Libpod-Buildah-Version", "")
        .header("Builder-Version", "")
        .header("Buildkit-Version", "")
        .header("Docker-Experimental", "true")
        .header("Cache-Control", "no-cache")
        .header("Pragma", "no-cache")
        .header("Api-Version", BuildInfo.DOCKER_API_VERSION)
        .header("Libpod-Api-Version", BuildInfo.LIBPOD_API_VERSION);
    return b.build();
  }
}
