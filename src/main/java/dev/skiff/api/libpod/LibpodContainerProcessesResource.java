package dev.skiff.api.libpod;

import dev.skiff.engine.container.ContainerProcesses;
import dev.skiff.engine.container.ContainerTop;
import io.smallrye.common.annotation.RunOnVirtualThread;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.util.List;
import java.util.Map;

/** libpod container processes: top, stats, pause and unpause. */
@Path("/libpod/containers")
@Produces(MediaType.APPLICATION_JSON)
public class LibpodContainerProcessesResource {

  private final ContainerProcesses processes;
  private final dev.skiff.engine.container.ContainerService containers;

  public LibpodContainerProcessesResource(ContainerProcesses processes, dev.skiff.engine.container.ContainerService containers) {
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
    return topBody(processes.top(name, psArgs));
  }

  /**
   * {@code {"Error":null,"Stats":[...]}} once ({@code stream=false}) or every {@code interval}
   * seconds until the client goes away or every named container has stopped.
   */
  @GET
  @Path("stats")
  @RunOnVirtualThread
  public jakarta.ws.rs.core.Response stats(@QueryParam("containers") List<String> names,
      @QueryParam("stream") @jakarta.ws.rs.DefaultValue("true") boolean stream,
      @QueryParam("interval") @jakarta.ws.rs.DefaultValue("5") int interval,
      @jakarta.ws.rs.core.Context io.vertx.core.http.HttpServerResponse response) {
    if (interval < 1) {
      throw new dev.skiff.engine.InvalidArgumentException("interval must be at least 1 second, not " + interval);
    }
    List<String> targets = names == null ? List.of() : names.stream().filter(n -> !n.isBlank()).toList();
    Map<String, dev.skiff.engine.container.ContainerStats.Sample> previous = new java.util.HashMap<>();
    // the first sample is taken before answering, so a bad name is a 404/409, not a broken stream
    List<dev.skiff.engine.container.ContainerStats> first = processes.stats(targets, previous);
    jakarta.ws.rs.core.StreamingOutput body = out -> {
      List<dev.skiff.engine.container.ContainerStats> batch = first;
      while (true) {
        java.util.Map<String, Object> report = new java.util.LinkedHashMap<>();
        report.put("Error", null);
        report.put("Stats", batch.stream().map(LibpodContainerProcessesResource::statsEntry).toList());
        out.write(JSON.writeValueAsBytes(report));
        out.write('\n');
        out.flush();
        if (!stream || response.closed()) {
          return;
        }
        try {
          Thread.sleep(interval * 1000L);
          batch = processes.stats(targets, previous);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return;
        } catch (dev.skiff.engine.SkiffException stopped) {
          return; // a named container stopped or was removed: the stream ends
        }
      }
    };
    return jakarta.ws.rs.core.Response.ok(body).type(MediaType.APPLICATION_JSON).build();
  }

  private static final com.fasterxml.jackson.databind.ObjectMapper JSON = new com.fasterxml.jackson.databind.ObjectMapper();

  static Map<String, Object> statsEntry(dev.skiff.engine.container.ContainerStats s) {
    Map<String, Object> m = new java.util.LinkedHashMap<>();
    m.put("AvgCPU", s.avgCpuPercent());
    m.put("ContainerID", s.id());
    m.put("Name", s.name());
    m.put("PerCPU", null);
    m.put("CPU", s.cpuPercent());
    m.put("CPUNano", s.cpuNano());
    m.put("CPUSystemNano", s.cpuSystemNano());
    m.put("SystemNano", s.systemNano());
    m.put("MemUsage", s.memUsage());
    m.put("MemLimit", s.memLimit());
    m.put("MemPerc", s.memPercent());
    m.put("NetInput", s.netInput());
    m.put("NetOutput", s.netOutput());
    m.put("BlockInput", s.blockInput());
    m.put("BlockOutput", s.blockOutput());
    m.put("PIDs", s.pids());
    m.put("UpTime", s.cpuNano()); // podman reports the CPU time here (and in Duration)
    m.put("Duration", s.cpuNano());
    return m;
  }

  /** {@code {"Titles":[...],"Processes":[[...]]}}, the shape of both flavours. */
  public static Map<String, Object> topBody(ContainerTop.Result r) {
    return Map.of("Titles", r.titles(), "Processes", r.processes());
  }
}
