package dev.skiff.it;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import org.apache.commons.compress.compressors.zstandard.ZstdCompressorOutputStream;

/**
 * A real registry on loopback: Debian's {@code docker-registry} (distribution 2.8) serving plain
 * HTTP on 127.0.0.1 with filesystem storage in a temporary directory, optionally behind htpasswd
 * basic auth. Images are pushed into it with {@code skopeo}; its access log tells which blobs
 * were fetched.
 */
final class LoopbackRegistry implements AutoCloseable {
  static final String USER = "skiffuser";
  static final String PASSWORD = "s3cret-pw";

  final Path dir;
  final int port;
  private final Path log;
  private final Process process;

  private final boolean tls;

  private LoopbackRegistry(Path dir, int port, Process process, boolean tls) {
    this.dir = dir;
    this.port = port;
    this.log = dir.resolve("registry.log");
    this.process = process;
    this.tls = tls;
  }

  static LoopbackRegistry start() {
    return start(false, false);
  }

  static LoopbackRegistry start(boolean basicAuth) {
    return start(basicAuth, false);
  }

  /**
   * Starts a registry; with {@code basicAuth} it wants {@link #USER}/{@link #PASSWORD}; with
   * {@code tls} it serves HTTPS with a self-signed certificate for IP 127.0.0.1 ({@link #caCert()}).
   */
  static LoopbackRegistry start(boolean basicAuth, boolean tls) {
    try {
      Path dir = Files.createTempDirectory(Path.of("/tmp"), "skiff-it-registry-");
      int port = freePort();
      StringBuilder cfg = new StringBuilder("""
          version: 0.1
          log:
            level: info
          storage:
            filesystem:
              rootdirectory: %s
            delete:
              enabled: true
          http:
            addr: 127.0.0.1:%d
          """.formatted(dir.resolve("data"), port));
      if (basicAuth) {
        String hash = Exec.run(Exec.cmd("/usr/bin/python3", "-W", "ignore", "-c",
            "import crypt,sys; print(crypt.crypt(sys.argv[1], crypt.mksalt(crypt.METHOD_BLOWFISH, rounds=16)))",
            PASSWORD)).requireOk().stdout().trim();
        Files.writeString(dir.resolve("htpasswd"), USER + ":" + hash + "\n");
        cfg.append("""
            auth:
              htpasswd:
                realm: skiff-test
                path: %s
            """.formatted(dir.resolve("htpasswd")));
      }
      if (tls) {
        Exec.run(Exec.cmd("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
            "-keyout", dir.resolve("key.pem").toString(), "-out", dir.resolve("cert.pem").toString(),
            "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1")).requireOk();
        cfg.append("""
              tls:
                certificate: %s
                key: %s
            """.formatted(dir.resolve("cert.pem"), dir.resolve("key.pem")));
      }
      Path config = Files.writeString(dir.resolve("config.yml"), cfg.toString());
      Process p = new ProcessBuilder("/usr/bin/docker-registry", "serve", config.toString())
          .redirectErrorStream(true).redirectOutput(dir.resolve("registry.log").toFile()).start();
      LoopbackRegistry r = new LoopbackRegistry(dir, port, p, tls);
      r.awaitReady(Duration.ofSeconds(20));
      return r;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  private void awaitReady(Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new AssertionError("docker-registry exited:\n" + logText());
      }
      var r = Exec.run(Exec.cmd("curl", "-sk", "-o", "/dev/null", "-w", "%{http_code}",
          (tls ? "https://" : "http://") + host() + "/v2/"));
      if (r.exit() == 0 && (r.stdout().equals("200") || r.stdout().equals("401"))) {
        return;
      }
      Daemon.sleep(100);
    }
    throw new AssertionError("docker-registry did not answer on " + host() + ":\n" + logText());
  }

  /** The self-signed certificate of a TLS registry (its own CA). */
  Path caCert() {
    return dir.resolve("cert.pem");
  }

  /** {@code 127.0.0.1:PORT}. */
  String host() {
    return "127.0.0.1:" + port;
  }

  /** Copies an archive or layout ({@code docker-archive:F}, {@code oci:DIR:TAG}) to {@code host/dest}. */
  void push(String source, String dest, String... extra) {
    List<String> cmd = Exec.cmd("skopeo", "copy", "--quiet", "--dest-tls-verify=false");
    if (Files.exists(dir.resolve("htpasswd"))) {
      cmd.add("--dest-creds=" + USER + ":" + PASSWORD);
    }
    cmd.addAll(List.of(extra));
    cmd.addAll(List.of(source, "docker://" + host() + "/" + dest));
    Exec.run(cmd, null, 120).requireOk();
  }

  /** How many blob GETs of {@code repo} the registry answered (from its access log). */
  long blobGets(String repo) {
    String marker = "\"GET /v2/" + repo + "/blobs/sha256:";
    return logText().lines().filter(l -> l.contains(marker)).count();
  }

  /** The stored data file of a blob (to corrupt it). */
  Path blobData(String digestHex) {
    return dir.resolve("data/docker/registry/v2/blobs/sha256").resolve(digestHex.substring(0, 2))
        .resolve(digestHex).resolve("data");
  }

  String logText() {
    try {
      return Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "";
    } catch (IOException e) {
      return "(cannot read the registry log: " + e + ")";
    }
  }

  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    Exec.run(Exec.cmd("rm", "-rf", dir.toString()));
  }

  // ---- OCI layouts for skopeo -----------------------------------------------------------------

  /** One image for {@link #ociLayout}: its config bytes and its one layer, already compressed. */
  record LayoutImage(String architecture, byte[] config, byte[] layerBlob, String layerMediaType) {}

  /**
   * Writes an OCI image layout whose {@code index.json} names {@code tag}: one image manifest,
   * or (more than one image) an image index with a platform per manifest.
   */
  static Path ociLayout(Path dir, String tag, List<LayoutImage> images) throws IOException {
    Files.createDirectories(dir.resolve("blobs/sha256"));
    Files.writeString(dir.resolve("oci-layout"), "{\"imageLayoutVersion\":\"1.0.0\"}");
    List<String> entries = new ArrayList<>();
    for (LayoutImage img : images) {
      String cfg = blob(dir, img.config());
      String layer = blob(dir, img.layerBlob());
      byte[] manifest = """
          {"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json",\
          "config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"sha256:%s","size":%d},\
          "layers":[{"mediaType":"%s","digest":"sha256:%s","size":%d}]}"""
          .formatted(cfg, img.config().length, img.layerMediaType(), layer, img.layerBlob().length)
          .getBytes(StandardCharsets.UTF_8);
      entries.add("""
          {"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"sha256:%s","size":%d,\
          "platform":{"architecture":"%s","os":"linux"}}""".formatted(blob(dir, manifest), manifest.length,
          img.architecture()));
    }
    String top;
    if (images.size() == 1) {
      top = entries.get(0).replaceFirst(",\"platform\":\\{[^}]*\\}", "");
    } else {
      byte[] index = ("{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.index.v1+json\",\"manifests\":["
          + String.join(",", entries) + "]}").getBytes(StandardCharsets.UTF_8);
      top = "{\"mediaType\":\"application/vnd.oci.image.index.v1+json\",\"digest\":\"sha256:" + blob(dir, index)
          + "\",\"size\":" + index.length + "}";
    }
    top = top.substring(0, top.length() - 1) + ",\"annotations\":{\"org.opencontainers.image.ref.name\":\"" + tag + "\"}}";
    Files.writeString(dir.resolve("index.json"), "{\"schemaVersion\":2,\"manifests\":[" + top + "]}");
    return dir;
  }

  private static String blob(Path dir, byte[] content) throws IOException {
    String hex = TestImages.sha256(content);
    Files.write(dir.resolve("blobs/sha256").resolve(hex), content);
    return hex;
  }

  /** A config for the busybox test layer with the given architecture and command. */
  static byte[] config(String architecture, String diffIdHex, String cmd) {
    return """
        {"architecture":"%s","os":"linux","created":"2026-01-02T00:00:00Z",\
        "config":{"Cmd":["sh","-c","%s"],"Env":["PATH=/usr/sbin:/usr/bin:/sbin:/bin"]},\
        "rootfs":{"type":"layers","diff_ids":["sha256:%s"]}}""".formatted(architecture, cmd, diffIdHex)
        .getBytes(StandardCharsets.UTF_8);
  }

  static byte[] gzip(byte[] b) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
      gz.write(b);
    }
    return out.toByteArray();
  }

  static byte[] zstd(byte[] b) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (ZstdCompressorOutputStream z = new ZstdCompressorOutputStream(out)) {
      z.write(b);
    }
    return out.toByteArray();
  }
}
