package dev.skiff.api;

import dev.skiff.engine.InvalidArgumentException;
import dev.skiff.engine.SubIdService;
import dev.skiff.security.SubIdGrant;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;

/**
 * Skiff's own admin endpoints (no Podman equivalent), under {@code /libpod/skiff}:
 * {@code POST /libpod/skiff/subids?user=U&size=N[&additional=true]} gives a user a subordinate
 * UID/GID range, as {@code skiffd subids add} does (root daemons only; 403 otherwise).
 */
@Path("/libpod/skiff")
public class SkiffAdminResource {

  private final SubIdService subIds;

  public SkiffAdminResource(SubIdService subIds) {
    this.subIds = subIds;
  }

  @POST
  @Path("subids")
  @Produces(MediaType.APPLICATION_JSON)
  public SubIdGrant addSubIds(
      @QueryParam("user") String user,
      @QueryParam("size") @DefaultValue("65536") String size,
      @QueryParam("additional") @DefaultValue("false") boolean additional) {
    if (user == null || user.isBlank()) {
      throw new InvalidArgumentException("the user query parameter is required");
    }
    long n;
    try {
      n = Long.parseLong(size);
    } catch (NumberFormatException e) {
      throw new InvalidArgumentException("size \"" + size + "\" is not a number");
    }
    return subIds.add(user, n, additional);
  }
}
