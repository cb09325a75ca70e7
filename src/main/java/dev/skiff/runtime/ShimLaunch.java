package dev.skiff.runtime;

import java.nio.file.Path;
import java.util.List;

/**
 * One start of a container by skiff-shim.
 *
 * @param bundle the OCI bundle directory (config.json inside)
 * @param exitFile where the shim writes the {@link ExitStatus}
 * @param logFile the k8s-file log the shim appends container output to
 * @param pidFile where the shim writes the container pid
 * @param attach the attach socket and stdin/terminal options; null = none
 */
public record ShimLaunch(String containerId, Path bundle, Path exitFile, Path logFile, Path pidFile, Path cacheDir,
    AttachOptions attach) {

  public ShimLaunch(String containerId, Path bundle, Path exitFile, Path logFile, Path pidFile, Path cacheDir) {
    this(containerId, bundle, exitFile, logFile, pidFile, cacheDir, null);
  }

  /** The shim's command line (after the binary). */
  List<String> args() {
    List<String> a = new java.util.ArrayList<>(List.of("run", "--bundle", bundle.toString(), "--id", containerId,
        "--exit-file", exitFile.toString(), "--log-file", logFile.toString(), "--pid-file", pidFile.toString(),
        "--cache-dir", cacheDir.toString()));
    if (attach != null) {
      a.addAll(attach.args());
    }
    return a;
  }
}
