package dev.skiff.api;

import io.vertx.ext.web.RoutingContext;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;
import org.jboss.resteasy.reactive.server.SimpleResourceInfo;

/** Names the matched resource method on the request so metrics can count per route. */
public class RouteTagFilter {

  @ServerRequestFilter
  public void tag(SimpleResourceInfo resource, RoutingContext rc) {
    if (resource != null && resource.getResourceClass() != null) {
      rc.put(ApiRouter.ROUTE_KEY, resource.getResourceClass().getSimpleName() + "." + resource.getMethodName());
    }
  }
}
