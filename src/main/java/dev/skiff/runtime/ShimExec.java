package dev.skiff.runtime;

import java.nio.file.Path;
import java.util.List;

/**
 * One {@code skiff-shim exec}: a process started in the namespaces of a running container.
 *
 * @param bundle the container's bundle (its config.json supplies seccomp and annotations)
 * @param containerPid the container's init, whose namespaces are joined
 * @param sessionDir the exec session's directory: process.json, exit file, log
 * @param attach the attach socket and stdin/terminal options (interactive sessions); null = none
 */
public record ShimExec(String containerId, Path bundle, long containerPid, Path sessionDir, Path cacheDir,
    AttachOptions attach) {

  public ShimExec(String containerId, Path bundle, long containerPid, Path sessionDir, Path cacheDir) {
    this(containerId, bundle, containerPid, sessionDir, cacheDir, null);
  }

  public Path processFile() {
    return sessionDir.resolve("process.json");
  }

  public Path exitFile() {
    return sessionDir.resolve("exit.json");
  }

  public Path logFile() {
    return sessionDir.resolve("exec.log");
  }

  List<String> args() {
    List<String> a = new java.util.ArrayList<>(List.of("exec", "--bundle", bundle.toString(), "--id", containerId,
        "--pid", Long.toString(containerPid), "--process", processFile().toString(), "--exit-file",
        exitFile().toString(), "--log-file", logFile().toString(), "--cache-dir", cacheDir.toString()));
    if (attach != null) {
      a.addAll(attach.args());
    }
    return a;
  }
}
