package dev.skiff.api;

import dev.skiff.api.model.ExecCreateRequest;
import dev.skiff.engine.InvalidArgumentException;
import dev.skiff.engine.container.ExecConfig;
import dev.skiff.engine.container.ExecService;
import dev.skiff.engine.container.ExecSession;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.core.Response;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Exec create and inspect, shared by both API flavours (start is a raw route: {@link StreamRoutes}). */
@ApplicationScoped
public class ExecEndpoints {

  private final ExecService execs;

  public ExecEndpoints(ExecService execs) {
    this.execs = execs;
  }

  public Response create(String container, ExecCreateRequest b) {
    if (b == null) {
      throw new InvalidArgumentException("exec create needs a JSON body");
    }
    ExecConfig config = new ExecConfig(b.cmd(), b.env(), b.workingDir(), b.user(), is(b.privileged()), is(b.tty()),
        is(b.attachStdin()), b.attachStdout() == null || b.attachStdout(), b.attachStderr() == null || b.attachStderr(),
        b.detachKeys());
    ExecSession s = execs.create(container, config);
    return Response.status(201).entity(Map.of("Id", s.id())).build();
  }

  public Map<String, Object> inspect(String id) {
    ExecSession s = execs.inspect(id);
    var c = s.config();
    List<String> cmd = c.cmd();
    Map<String, Object> process = new LinkedHashMap<>();
    process.put("arguments", cmd.size() > 1 ? cmd.subList(1, cmd.size()) : List.of());
    process.put("entrypoint", cmd.isEmpty() ? "" : cmd.get(0));
    process.put("privileged", c.privileged());
    process.put("tty", c.tty());
    process.put("user", c.user());
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("CanRemove", false);
    m.put("ContainerID", s.containerId());
    m.put("DetachKeys", c.detachKeys());
    m.put("ExitCode", s.exitCode());
    m.put("ID", s.id());
    m.put("OpenStderr", c.attachStderr());
    m.put("OpenStdin", c.attachStdin());
    m.put("OpenStdout", c.attachStdout());
    m.put("Running", s.isRunning());
    m.put("Pid", s.pid());
    m.put("ProcessConfig", process);
    return m;
  }

  public void resize(String id, int h, int w, boolean ignoreNotRunning) {
    execs.resize(id, h, w, ignoreNotRunning);
  }

  private static boolean is(Boolean b) {
    return b != null && b;
  }
}
