package dev.skiff.helm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.marcnuri.helm.DryRun;
import com.marcnuri.helm.Helm;
import com.marcnuri.helm.LintResult;
import com.marcnuri.helm.TemplateCommand;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.openshift.api.model.monitoring.v1.Endpoint;
import io.fabric8.openshift.api.model.monitoring.v1.ServiceMonitor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Helm chart in {@code helm/skiff}: {@code helm lint --strict} and {@code helm template} run
 * in-process (helm-java embeds Helm's Go library), and the rendered manifests are read into the
 * Kubernetes model (every field type-checked, unknown fields refused) before their values are
 * checked. No cluster: what the kubelet and the runtime do with them is not tested here.
 */
class HelmChartTest {

  private static final Path CHART = Path.of("helm", "skiff").toAbsolutePath();
  private static final String RELEASE = "skf";
  private static final String NAMESPACE = "skiff-system";

  @TempDir
  Path tmp;

  @Test
  void lint_strictPassesWithDefaultAndCustomValues() throws IOException {
    LintResult defaults = new Helm(CHART).lint().strict().call();
    assertFalse(defaults.isFailed(), String.join("\n", defaults.getMessages()));
    // lint has no --values in helm-java: lint a copy of the chart whose values.yaml is the custom one
    Path copy = tmp.resolve("skiff");
    copyChart(copy);
    Files.writeString(copy.resolve("values.yaml"), Files.readString(CHART.resolve("values.yaml")) + "\n" + CUSTOM);
    LintResult custom = new Helm(copy).lint().strict().call();
    assertFalse(custom.isFailed(), String.join("\n", custom.getMessages()));
  }

  @Test
  void template_defaults_daemonSetRunsRootSkiffdWithHostSocketAndMetrics() {
    KubeManifests m = render(t -> t);
    assertEquals(List.of(), m.unknownFields());
    assertEquals(List.of("DaemonSet", "Service"), m.kinds().stream().sorted().toList(),
        "no ServiceMonitor without the monitoring.coreos.com/v1 API or force");
    DaemonSet ds = m.get(DaemonSet.class);
    assertEquals("skf-skiff", ds.getMetadata().getName());
    assertEquals(NAMESPACE, ds.getMetadata().getNamespace());
    PodSpec pod = ds.getSpec().getTemplate().getSpec();
    Container c = pod.getContainers().get(0);
    assertEquals(1, pod.getContainers().size());
    assertEquals("localhost/skiffd:0.1.0", c.getImage(), "tag defaults to the chart's appVersion");
    assertEquals(List.of("/usr/local/bin/skiffd"), c.getCommand());
    assertEquals(List.of("--socket", "/run/skiff/skiff.sock", "--runroot", "/run/skiff", "--root", "/var/lib/skiff",
        "--log-level", "INFO", "--metrics-address", "[$(POD_IP)]:9100", "--metrics-allow-remote"), c.getArgs());
    EnvVar podIp = env(c, "POD_IP");
    assertEquals("status.podIP", podIp.getValueFrom().getFieldRef().getFieldPath());
    assertEquals("-Dskiff.subuid-file=/host/etc/subuid -Dskiff.subgid-file=/host/etc/subgid"
        + " -Dskiff.passwd-file=/host/etc/passwd", env(c, "SKIFF_JAVA_OPTS").getValue());
    assertEquals(9100, c.getPorts().get(0).getContainerPort());
    assertEquals("metrics", c.getPorts().get(0).getName());

    assertHostPath(pod, c, "/run/skiff", "/run/skiff", "DirectoryOrCreate", false);
    assertHostPath(pod, c, "/var/lib/skiff", "/var/lib/skiff", "DirectoryOrCreate", false);
    assertHostPath(pod, c, "/etc", "/host/etc", "Directory", true);
    assertEquals(3, pod.getVolumes().size());

    assertCurlProbe(c.getStartupProbe(), "/run/skiff/skiff.sock", "/q/health/live");
    assertCurlProbe(c.getLivenessProbe(), "/run/skiff/skiff.sock", "/q/health/live");
    assertCurlProbe(c.getReadinessProbe(), "/run/skiff/skiff.sock", "/q/health/ready");
    assertEquals(6, c.getLivenessProbe().getFailureThreshold());

    assertTrue(c.getSecurityContext().getPrivileged());
    assertEquals(0L, c.getSecurityContext().getRunAsUser());
    assertTrue(pod.getHostPID());
    assertFalse(pod.getHostNetwork());
    assertEquals(null, pod.getDnsPolicy());
    assertFalse(pod.getAutomountServiceAccountToken());
    assertEquals(30L, pod.getTerminationGracePeriodSeconds());
    assertEquals("OnDelete", ds.getSpec().getUpdateStrategy().getType());
    assertEquals(Map.of("kubernetes.io/os", "linux"), pod.getNodeSelector());
    assertEquals("256Mi", c.getResources().getRequests().get("memory").toString());
    assertTrue(c.getResources().getLimits() == null || c.getResources().getLimits().isEmpty(),
        "no limit by default: it would cover every container on the node");

    Map<String, String> selector = ds.getSpec().getSelector().getMatchLabels();
    assertEquals(Map.of("app.kubernetes.io/name", "skiff", "app.kubernetes.io/instance", RELEASE), selector);
    assertTrue(ds.getSpec().getTemplate().getMetadata().getLabels().entrySet().containsAll(selector.entrySet()));

    Service svc = m.get(Service.class);
    assertEquals("None", svc.getSpec().getClusterIP());
    assertEquals(selector, svc.getSpec().getSelector());
    assertEquals(9100, svc.getSpec().getPorts().get(0).getPort());
    assertEquals("metrics", svc.getSpec().getPorts().get(0).getName());
    assertEquals("metrics", svc.getSpec().getPorts().get(0).getTargetPort().getStrVal());
  }

  @Test
  void template_serviceMonitorWhenForced_selectsTheServiceAndScrapesMetrics() {
    KubeManifests m = render(t -> t.set("serviceMonitor.force", true));
    assertEquals(List.of(), m.unknownFields());
    ServiceMonitor sm = m.get(ServiceMonitor.class);
    assertEquals("monitoring.coreos.com/v1", sm.getApiVersion());
    Service svc = m.get(Service.class);
    assertTrue(svc.getMetadata().getLabels().entrySet().containsAll(sm.getSpec().getSelector().getMatchLabels().entrySet()),
        "the ServiceMonitor's selector matches the Service's labels");
    assertEquals(List.of(NAMESPACE), sm.getSpec().getNamespaceSelector().getMatchNames());
    Endpoint e = sm.getSpec().getEndpoints().get(0);
    assertEquals("metrics", e.getPort());
    assertEquals("/metrics", e.getPath());
    assertEquals("30s", e.getInterval());
    assertEquals(svc.getSpec().getPorts().get(0).getName(), e.getPort());
  }

  @Test
  void installDryRunServer_clusterWithServiceMonitorApi_rendersTheServiceMonitor() throws IOException {
    try (FakeKubeApi api = new FakeKubeApi(true)) {
      String notes = installDryRun(api);
      assertTrue(api.requests().contains(
          "GET /apis/monitoring.coreos.com/v1/namespaces/" + NAMESPACE + "/servicemonitors/skf-skiff"), api.requests().toString());
      assertTrue(api.requests().contains("GET /apis/apps/v1/namespaces/" + NAMESPACE + "/daemonsets/skf-skiff"));
      assertTrue(notes.contains("ServiceMonitor skf-skiff created for the Prometheus Operator"), notes);
    }
  }

  @Test
  void installDryRunServer_clusterWithoutServiceMonitorApi_leavesItOutAndSaysSo() throws IOException {
    try (FakeKubeApi api = new FakeKubeApi(false)) {
      String notes = installDryRun(api);
      assertTrue(api.requests().contains("GET /apis/apps/v1/namespaces/" + NAMESPACE + "/daemonsets/skf-skiff"),
          api.requests().toString());
      assertTrue(api.requests().stream().noneMatch(r -> r.contains("servicemonitors")), api.requests().toString());
      assertTrue(notes.contains("No ServiceMonitor was created: this cluster does not serve monitoring.coreos.com/v1"), notes);
    }
  }

  @Test
  void template_serviceMonitorDisabled_isAbsentEvenWhenForced() {
    KubeManifests m = render(t -> t.set("serviceMonitor.enabled", false).set("serviceMonitor.force", true));
    assertTrue(m.find(ServiceMonitor.class).isEmpty());
  }

  @Test
  void template_customValues_reachEveryField() throws IOException {
    Path values = tmp.resolve("custom.yaml");
    Files.writeString(values, CUSTOM);
    KubeManifests m = render(t -> t.withValuesFile(values));
    assertEquals(List.of(), m.unknownFields());
    DaemonSet ds = m.get(DaemonSet.class);
    PodSpec pod = ds.getSpec().getTemplate().getSpec();
    Container c = pod.getContainers().get(0);
    assertEquals("registry.example.com/ops/skiffd:0.1.0-deb12", c.getImage());
    assertEquals("Always", c.getImagePullPolicy());
    assertEquals(List.of("--socket", "/var/run/skiff-x/skiff.sock", "--runroot", "/var/run/skiff-x", "--root",
        "/data/skiff", "--log-level", "DEBUG", "--metrics-address", "[$(POD_IP)]:9200", "--metrics-allow-remote",
        "--shim", "/opt/skiff/skiff-shim"), c.getArgs());
    assertEquals("-Xmx512m", env(c, "SKIFF_JAVA_OPTS").getValue(), "hostIdFiles: false");
    assertEquals("x", env(c, "EXTRA").getValue());
    assertHostPath(pod, c, "/var/run/skiff-x", "/var/run/skiff-x", "DirectoryOrCreate", false);
    assertHostPath(pod, c, "/data/skiff", "/data/skiff", "DirectoryOrCreate", false);
    assertEquals(2, pod.getVolumes().size(), "no /etc from the host");
    assertCurlProbe(c.getReadinessProbe(), "/var/run/skiff-x/skiff.sock", "/q/health/ready");
    assertEquals(9200, c.getPorts().get(0).getContainerPort());
    assertTrue(pod.getHostNetwork());
    assertEquals("ClusterFirstWithHostNet", pod.getDnsPolicy());
    assertEquals("RollingUpdate", ds.getSpec().getUpdateStrategy().getType());
    assertEquals(1, ds.getSpec().getUpdateStrategy().getRollingUpdate().getMaxUnavailable().getIntVal());
    assertEquals(120L, pod.getTerminationGracePeriodSeconds());
    assertEquals("system-node-critical", pod.getPriorityClassName());
    assertEquals("Exists", pod.getTolerations().get(0).getOperator());
    assertEquals(Map.of("kubernetes.io/os", "linux", "skiff", "yes"), pod.getNodeSelector(), "maps merge with the defaults");
    assertEquals("1Gi", c.getResources().getLimits().get("memory").toString());
    assertEquals("regcred", pod.getImagePullSecrets().get(0).getName());
    assertEquals("9200", ds.getSpec().getTemplate().getMetadata().getAnnotations().get("example.com/port"));
    assertEquals(Boolean.FALSE, c.getSecurityContext().getPrivileged());
    assertEquals(List.of("SYS_ADMIN"), c.getSecurityContext().getCapabilities().getAdd());

    ServiceMonitor sm = m.get(ServiceMonitor.class);
    assertEquals("kube-prometheus", sm.getMetadata().getLabels().get("release"));
    assertEquals("15s", sm.getSpec().getEndpoints().get(0).getInterval());
    assertEquals(9200, m.get(Service.class).getSpec().getPorts().get(0).getPort());
  }

  @Test
  void template_metricsDisabled_noListenerNoServiceNoServiceMonitor() {
    KubeManifests m = render(t -> t.set("metrics.enabled", false));
    assertEquals(List.of("DaemonSet"), m.kinds());
    Container c = m.get(DaemonSet.class).getSpec().getTemplate().getSpec().getContainers().get(0);
    assertFalse(c.getArgs().contains("--metrics-address"));
    assertFalse(c.getArgs().contains("--metrics-allow-remote"));
    assertTrue(c.getPorts() == null || c.getPorts().isEmpty());
  }

  @Test
  void template_forcedServiceMonitorWithoutMetrics_failsWithTheReason() {
    var e = assertThrows(IllegalStateException.class,
        () -> render(t -> t.set("metrics.enabled", false).set("serviceMonitor.force", true)));
    assertTrue(e.getMessage().contains("serviceMonitor.enabled needs metrics.enabled"), e.getMessage());
  }

  @Test
  void unknownFields_catchesAMisspelledField() {
    KubeManifests m = KubeManifests.parse("""
        apiVersion: apps/v1
        kind: DaemonSet
        metadata: {name: x}
        spec:
          selector: {matchLabels: {a: b}}
          template:
            metadata: {labels: {a: b}}
            spec:
              hostPid: true
              containers: [{name: c, image: i, imagePullPolicy: Always, readinesProbe: {}}]
        """);
    assertEquals(List.of("DaemonSet.spec.template.spec.containers[0].readinesProbe",
        "DaemonSet.spec.template.spec.hostPid").stream().sorted().toList(), m.unknownFields().stream().sorted().toList());
  }

  private static final String CUSTOM = """
      image:
        repository: registry.example.com/ops/skiffd
        tag: 0.1.0-deb12
        pullPolicy: Always
      imagePullSecrets:
        - name: regcred
      daemon:
        socketDir: /var/run/skiff-x
        dataRoot: /data/skiff
        logLevel: DEBUG
        extraArgs: ["--shim", "/opt/skiff/skiff-shim"]
        javaOpts: "-Xmx512m"
        hostIdFiles: false
        extraEnv:
          - name: EXTRA
            value: x
      metrics:
        port: 9200
      serviceMonitor:
        force: true
        interval: 15s
        labels:
          release: kube-prometheus
      securityContext:
        privileged: false
        capabilities:
          add: [SYS_ADMIN]
      hostNetwork: true
      updateStrategy:
        type: RollingUpdate
        rollingUpdate:
          maxUnavailable: 1
      terminationGracePeriodSeconds: 120
      resources:
        limits:
          memory: 1Gi
      nodeSelector:
        skiff: "yes"
      tolerations:
        - operator: Exists
      priorityClassName: system-node-critical
      podAnnotations:
        example.com/port: "9200"
      """;

  private static KubeManifests render(UnaryOperator<TemplateCommand> options) {
    String yaml = options.apply(new Helm(CHART).template().withName(RELEASE).withNamespace(NAMESPACE)).call();
    return KubeManifests.parse(yaml);
  }

  /** {@code helm install --dry-run=server} against {@code api}: Helm discovers the cluster's APIs. */
  private static String installDryRun(FakeKubeApi api) {
    return new Helm(CHART).install().withName(RELEASE).withNamespace(NAMESPACE)
        .withKubeConfigContents(api.kubeconfig(NAMESPACE)).withDryRunOption(DryRun.SERVER)
        .disableOpenApiValidation().call().getOutput();
  }

  private static EnvVar env(Container c, String name) {
    return c.getEnv().stream().filter(e -> e.getName().equals(name)).findFirst()
        .orElseThrow(() -> new AssertionError("no env " + name + " in " + c.getEnv()));
  }

  private static void assertHostPath(PodSpec pod, Container c, String hostPath, String mountPath, String type,
      boolean readOnly) {
    Volume v = pod.getVolumes().stream()
        .filter(x -> x.getHostPath() != null && x.getHostPath().getPath().equals(hostPath)).findFirst()
        .orElseThrow(() -> new AssertionError("no hostPath volume " + hostPath + " in " + pod.getVolumes()));
    assertEquals(type, v.getHostPath().getType());
    VolumeMount vm = c.getVolumeMounts().stream().filter(x -> x.getName().equals(v.getName())).findFirst()
        .orElseThrow(() -> new AssertionError("volume " + v.getName() + " is not mounted"));
    assertEquals(mountPath, vm.getMountPath());
    assertEquals(readOnly, Boolean.TRUE.equals(vm.getReadOnly()), vm.toString());
    assertEquals(null, vm.getMountPropagation(), "mounts the daemon makes stay in the pod (propagation None)");
  }

  private static void assertCurlProbe(Probe p, String socket, String path) {
    List<String> cmd = p.getExec().getCommand();
    assertEquals("curl", cmd.get(0));
    assertTrue(cmd.contains("--fail"), cmd.toString());
    assertEquals(socket, cmd.get(cmd.indexOf("--unix-socket") + 1));
    assertEquals("http://d" + path, cmd.get(cmd.size() - 1));
    assertEquals(String.valueOf(p.getTimeoutSeconds()), cmd.get(cmd.indexOf("--max-time") + 1));
  }

  private static void copyChart(Path dest) throws IOException {
    try (var files = Files.walk(CHART)) {
      for (Path p : files.toList()) {
        Path target = dest.resolve(CHART.relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(target);
        } else {
          Files.copy(p, target);
        }
      }
    }
  }
}
