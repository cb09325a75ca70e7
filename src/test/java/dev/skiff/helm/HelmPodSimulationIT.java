package dev.skiff.helm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The chart's pod, without a cluster: {@code helm/test/pod_sim.py} runs the built skiffd in runc
 * containers shaped like containerd's pod containers, with the chart's arguments, hostPath
 * directories and exec probes, and a veth pair carrying the pod IP. It backs the chart's choices:
 * privileged (a masked /proc breaks every container), hostPID (PIDs stay the host's), the metrics
 * listener on the pod IP, and what survives a daemon restart.
 */
class HelmPodSimulationIT {

  private static final Map<String, JsonNode> RESULTS = new HashMap<>();

  @BeforeAll
  static void simulate() throws IOException, InterruptedException {
    Path project = Path.of(System.getProperty("skiff.project.dir", ".")).toAbsolutePath();
    Process p = new ProcessBuilder("python3", project.resolve("helm/test/pod_sim.py").toString(), project.toString(),
        "privileged", "masked-caps", "unmasked", "pidns").redirectError(ProcessBuilder.Redirect.INHERIT).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(10, TimeUnit.MINUTES), "pod_sim.py did not finish");
    assertEquals(0, p.exitValue(), out);
    ObjectMapper json = new ObjectMapper();
    for (String line : out.strip().split("\n")) {
      JsonNode r = json.readTree(line);
      RESULTS.put(r.get("scenario").asText(), r);
    }
  }

  @Test
  void privileged_theChartsDefault_runsEverythingAndServesProbesAndMetrics() {
    JsonNode r = RESULTS.get("privileged");
    assertTrue(r.get("started").asBoolean(), r.toString());
    assertEquals(0, r.get("probeLive").asInt(), "the chart's liveness exec probe");
    assertEquals(0, r.get("probeReady").asInt(), "the chart's readiness exec probe");
    assertEquals("200", r.get("metricsOnPodIp").asText(), "--metrics-address [POD_IP]:9100 --metrics-allow-remote");
    assertEquals("404", r.get("apiOnPodIp").asText(), "only /metrics on TCP");
    assertUidMap(r.get("run").asText(), 65536);
    assertUidMap(r.get("runUsernsAuto").asText(), 1024);
    assertTrue(r.get("runNetwork").asText().contains("inet 10.0.2.100/24"), "slirp4netns in a privileged pod: " + r);
    assertEquals("ok", r.get("pause").asText());
    assertTrue(r.get("recordedPidIsHostPid").asBoolean(), "hostPID: the store holds host PIDs");
  }

  @Test
  void privileged_shimsOutliveTheDaemonButNotTheRuntimeRemovingItsContainer() {
    JsonNode r = RESULTS.get("privileged");
    assertEquals("S", r.get("afterDaemonExit").get("container").asText(), r.toString());
    assertEquals("S", r.get("afterDaemonExit").get("shim").asText(), r.toString());
    assertKilled(r.get("afterRuntimeDelete").get("container").asText());
    assertKilled(r.get("afterRuntimeDelete").get("shim").asText());
  }

  @Test
  void maskedProc_everyContainerFailsToMountProc_whateverTheCapabilities() {
    JsonNode r = RESULTS.get("masked-caps");
    assertTrue(r.get("started").asBoolean(), r.toString());
    assertEquals(0, r.get("probeReady").asInt(), "the daemon itself is ready");
    assertTrue(r.get("run").asText().contains("mount proc `proc` on `/proc`: Operation not permitted"), r.toString());
    assertTrue(r.get("runNetwork").asText().startsWith("FAILED"), "no /dev/net/tun for slirp4netns either: " + r);
  }

  @Test
  void unmaskedProcWithDefaultCapabilities_runsButNoIdMappedLayersAndNoPause() {
    JsonNode r = RESULTS.get("unmasked");
    assertUidMap(r.get("run").asText(), 65536);
    assertTrue(r.get("runUsernsAuto").asText().contains("open_tree"), r.toString());
    assertTrue(r.get("pause").asText().startsWith("FAILED"), r.toString());
  }

  @Test
  void podPidNamespace_recordsPodPidsAndTheDaemonsExitKillsEveryContainer() {
    JsonNode r = RESULTS.get("pidns");
    assertUidMap(r.get("run").asText(), 65536);
    assertFalse(r.get("recordedPidIsHostPid").asBoolean(), r.toString());
    assertEquals("gone", r.get("afterDaemonExit").get("container").asText(), r.toString());
    assertEquals("gone", r.get("afterDaemonExit").get("shim").asText(), r.toString());
  }

  private static void assertUidMap(String uidMap, int size) {
    String[] f = uidMap.trim().split("\\s+");
    assertEquals(3, f.length, uidMap);
    assertEquals("0", f[0], uidMap);
    assertTrue(Long.parseLong(f[1]) >= 100000, "container root is a subordinate host ID: " + uidMap);
    assertEquals(String.valueOf(size), f[2], uidMap);
  }

  /** Killed: a zombie until its parent reaps it, or already gone. */
  private static void assertKilled(String state) {
    assertTrue(state.equals("Z") || state.equals("gone"), state);
  }
}
