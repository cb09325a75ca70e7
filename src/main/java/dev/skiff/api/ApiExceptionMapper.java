package dev.skiff.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.skiff.api.model.ErrorModel;
import dev.skiff.engine.ConflictException;
import dev.skiff.engine.ContainerStateException;
import dev.skiff.engine.container.ContainerService;
import dev.skiff.engine.InvalidArgumentException;
import dev.skiff.engine.NoSuchObjectException;
import dev.skiff.engine.PayloadTooLargeException;
import dev.skiff.engine.PermissionDeniedException;
import dev.skiff.engine.SkiffException;
import jakarta.ws.rs.NotAllowedException;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/**
 * The one place where errors become HTTP responses, for both API flavours. Every error body is
 * {@link ErrorModel}; a client error is never a 500 and never shows a stack trace.
 */
public class ApiExceptionMapper {

  private static final Logger LOG = Logger.getLogger(ApiExceptionMapper.class);

  @ServerExceptionMapper
  public Response domain(SkiffException e, UriInfo uri) {
    return error(statusOf(e, isLibpod(uri)), e.cause(), e.getMessage());
  }

  private static boolean isLibpod(UriInfo uri) {
    return uri.getPath().startsWith("/libpod/") || uri.getPath().startsWith("libpod/");
  }

  /**
   * The status of each domain error. The one flavour difference: a container in the wrong state is
   * 500 on the libpod path (as Podman 4.3 answers) and 409 on the Docker path.
   */
  static int statusOf(SkiffException e, boolean libpod) {
    if (e instanceof ContainerStateException) {
      return libpod ? 500 : 409;
    }
    if (e instanceof ContainerService.ContainerStartException) {
      return libpod ? 500 : 409;
    }
    if (e instanceof NoSuchObjectException) {
      return 404;
    }
    if (e instanceof InvalidArgumentException) {
      return 400;
    }
    if (e instanceof ConflictException) {
      return 409;
    }
    if (e instanceof PayloadTooLargeException) {
      return 413;
    }
    if (e instanceof PermissionDeniedException) {
      return 403;
    }
    return 500;
  }

  @ServerExceptionMapper
  public Response notFound(NotFoundException e, UriInfo uri) {
    return error(404, "no such object", "no such endpoint: " + uri.getRequestUri().getRawPath());
  }

  @ServerExceptionMapper
  public Response notAllowed(NotAllowedException e, UriInfo uri) {
    String allow = e.getResponse().getHeaderString("Allow");
    return error(405, "method not allowed", "method not allowed on " + uri.getRequestUri().getRawPath()
        + (allow == null || allow.isBlank() ? "" : " (allowed: " + allow + ")"));
  }

  @ServerExceptionMapper
  public Response badJson(JsonProcessingException e) {
    return error(400, "invalid argument", "invalid JSON request body: " + e.getOriginalMessage());
  }

  @ServerExceptionMapper
  public Response badJsonType(com.fasterxml.jackson.databind.exc.MismatchedInputException e) {
    String field = e.getPath().stream()
        .map(r -> r.getFieldName() != null ? r.getFieldName() : "[" + r.getIndex() + "]")
        .collect(java.util.stream.Collectors.joining("."));
    return error(400, "invalid argument", "invalid JSON request body"
        + (field.isEmpty() ? "" : " at " + field) + ": " + e.getOriginalMessage());
  }

  @ServerExceptionMapper
  public Response web(WebApplicationException e) {
    int status = e.getResponse().getStatus();
    if (e.getCause() instanceof JsonProcessingException j) {
      return badJson(j);
    }
    String message = e.getMessage() == null ? Response.Status.fromStatusCode(status).getReasonPhrase() : e.getMessage();
    return error(status, status >= 500 ? "internal error" : "invalid request", message);
  }

  @ServerExceptionMapper
  public Response unexpected(Exception e) {
    LOG.error("unexpected error serving a request", e);
    return error(500, "internal error", "internal error: " + e.getClass().getSimpleName() + ": " + e.getMessage());
  }

  static Response error(int status, String cause, String message) {
    return Response.status(status)
        .type(MediaType.APPLICATION_JSON_TYPE)
        .entity(new ErrorModel(cause, message, status))
        .build();
  }
}
