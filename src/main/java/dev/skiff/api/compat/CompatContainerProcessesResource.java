package dev.skiff.api.compat;

import dev.skiff.api.libpod.LibpodContainerProcessesResource;
import dev.skiff.engine.container.ContainerProcesses;
import io.smallrye.common.annotation.RunOnVirtualThread;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.util.List;
import java.util.Map;

/** Docker-compatible container processes: top, stats, pause and unpause. */
@Path("/containers")
@Produces(MediaType.APPLICATION_JSON)
public class CompatContainerProcessesResource {

  private final ContainerProcesses processes;
  private final dev.skiff.engine.container.ContainerService containers;

  public CompatContainerProcessesResource(ContainerProcesses processes, dev.skiff.engine.container.ContainerService containers) {
    this.processes = processes;
    this.containers = containers;
  }

  @jakarta.ws.rs.POST
  @Path("{name}/pause")
  @RunOnVirtualThread
  public jakarta.ws.rs.core.Response pause(@PathParam("name") String name) {
    containers.pause(name);
    return jakarta.ws.rs.core.Response.noContent().build();
  }

  @jakarta.ws.rs.POST
  @Path("{name}/unpause")
  @RunOnVirtualThread
  public jakarta.ws.rs.core.Response unpause(@PathParam("name") String name) {
    containers.unpause(name);
    return jakarta.ws.rs.core.Response.noContent().build();
  }

  @GET
  @Path("{name}/top")
  @RunOnVirtualThread
  public Map<String, Object> top(@PathParam("name") String name, @QueryParam("ps_args") List<String> psArgs) {
    return LibpodContainerProcessesResource.topBody(processes.top(name, psArgs));
  }

  /**
   * Docker's stats document. {@code stream=false} waits one second for a second sample (as Docker
   * does) so that {@code precpu_stats} gives a CPU percentage; {@code one-shot=true} does not wait.
   */
  @GET
  @Path("{name}/stats")
  @RunOnVirtualThread
  public jakarta.ws.rs.core.Response stats(@PathParam("name") String name,
      @QueryParam("stream") @jakarta.ws.rs.DefaultValue("true") boolean stream,
      @QueryParam("one-shot") boolean oneShot,
      @jakarta.ws.rs.core.Context io.vertx.core.http.HttpServerResponse response) {
    Map<String, dev.skiff.engine.container.ContainerStats.Sample> previous = new java.util.HashMap<>();
    var first = processes.stats(List.of(name), previous).get(0);
    long firstSystem = processes.systemCpuNano();
    jakarta.ws.rs.core.StreamingOutput body = out -> {
      var pre = first;
      long preSystem = firstSystem;
      try {
        if (!stream && oneShot) {
          write(out, first, null, firstSystem, 0);
          return;
        }
        while (true) {
          Thread.sleep(1000);
          var cur = processes.stats(List.of(name), previous).get(0);
          long curSystem = processes.systemCpuNano();
          write(out, cur, pre, curSystem, preSystem);
          if (!stream || response.closed()) {
            return;
          }
          pre = cur;
          preSystem = curSystem;
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } catch (dev.skiff.engine.SkiffException stopped) {
        // the container stopped: the stream ends
      }
    };
    return jakarta.ws.rs.core.Response.ok(body).type(MediaType.APPLICATION_JSON).build();
  }

  private static final com.fasterxml.jackson.databind.ObjectMapper JSON = new com.fasterxml.jackson.databind.ObjectMapper();

  private static void write(java.io.OutputStream out, dev.skiff.engine.container.ContainerStats s,
      dev.skiff.engine.container.ContainerStats pre, long system, long preSystem) throws java.io.IOException {
    Map<String, Object> m = new java.util.LinkedHashMap<>();
    m.put("read", java.time.Instant.ofEpochSecond(0, s.systemNano()).toString());
    m.put("preread", pre == null ? "0001-01-01T00:00:00Z" : java.time.Instant.ofEpochSecond(0, pre.systemNano()).toString());
    m.put("pids_stats", Map.of("current", s.pids()));
    m.put("blkio_stats", Map.of("io_service_bytes_recursive", List.of(
        Map.of("major", 0, "minor", 0, "op", "read", "value", s.blockInput()),
        Map.of("major", 0, "minor", 0, "op", "write", "value", s.blockOutput()))));
    m.put("num_procs", 0);
    m.put("storage_stats", Map.of());
    m.put("cpu_stats", cpu(s, system));
    m.put("precpu_stats", pre == null ? cpu(null, 0) : cpu(pre, preSystem));
    m.put("memory_stats", Map.of("usage", s.memUsage(), "limit", s.memLimit(), "stats", Map.of()));
    m.put("name", "/" + s.name());
    m.put("id", s.id());
    m.put("networks", Map.of("eth0", Map.of("rx_bytes", s.netInput(), "rx_packets", 0, "rx_errors", 0, "rx_dropped", 0,
        "tx_bytes", s.netOutput(), "tx_packets", 0, "tx_errors", 0, "tx_dropped", 0)));
    out.write(JSON.writeValueAsBytes(m));
    out.write('\n');
    out.flush();
  }

  private static Map<String, Object> cpu(dev.skiff.engine.container.ContainerStats s, long system) {
    Map<String, Object> usage = new java.util.LinkedHashMap<>();
    usage.put("total_usage", s == null ? 0 : s.cpuNano());
    usage.put("usage_in_kernelmode", s == null ? 0 : s.cpuSystemNano());
    usage.put("usage_in_usermode", s == null ? 0 : s.cpuNano() - s.cpuSystemNano());
    Map<String, Object> m = new java.util.LinkedHashMap<>();
    m.put("cpu_usage", usage);
    m.put("system_cpu_usage", system);
    m.put("online_cpus", Runtime.getRuntime().availableProcessors());
    m.put("throttling_data", Map.of("periods", 0, "throttled_periods", 0, "throttled_time", 0));
    return m;
  }
}
