package dev.skiff.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The Docker-compatible routes (the shapes docker clients read), driven with curl on /v1.41 and /v1.44. */
class CompatApiIT {

  static Daemon daemon;
  static Curl c;

  @BeforeAll
  static void start() {
    daemon = Daemon.start(TestUser.rootless());
    c = daemon.curl().as(daemon.user);
    new Podman(daemon).ok("load", "-i", TestImages.dockerArchive().toString());
  }

  @AfterAll
  static void stop() {
    if (daemon != null) {
      daemon.close();
    }
  }

  @Test
  void images_listAndInspectInDockerShape() {
    JsonNode list = c.get("/v1.44/images/json").json();
    assertEquals(1, list.size());
    assertTrue(list.get(0).get("Id").asText().startsWith("sha256:"));
    assertEquals(TestImages.NAME, list.get(0).get("RepoTags").get(0).asText());
    var byShortName = c.get("/v1.44/images/busybox:latest/json");
    assertEquals(200, byShortName.status(), "short names resolve through the search list");
    var encoded = c.get("/v1.44/images/localhost%2Fbusybox:latest/json");
    assertEquals(200, encoded.status());
    assertEquals(404, c.get("/v1.44/images/nope/json").status());
  }

  @Test
  void container_createStartWaitLogsInspectDelete() throws Exception {
    String body = """
        {"Image":"localhost/busybox:latest","Cmd":["sh","-c","echo out; echo err >&2; exit 4"],
         "Tty":null,"Env":[],"Labels":{"org.testcontainers":"true"},"HostConfig":{"Memory":null,"Binds":[]}}""";
    var created = c.post("/v1.44/containers/create?name=dc1", body);
    assertEquals(201, created.status(), created.body());
    String id = created.json().get("Id").asText();
    assertEquals(204, c.post("/v1.44/containers/" + id + "/start", null).status());
    var waited = c.post("/v1.41/containers/dc1/wait", null);
    assertEquals(200, waited.status());
    assertEquals(4, waited.json().get("StatusCode").asInt());
    JsonNode inspect = c.get("/v1.44/containers/dc1/json").json();
    assertEquals("/dc1", inspect.get("Name").asText());
    assertEquals("exited", inspect.at("/State/Status").asText());
    assertEquals(4, inspect.at("/State/ExitCode").asInt());
    assertTrue(inspect.get("Image").asText().startsWith("sha256:"));
    var logs = daemon.curl().as(daemon.user).raw("GET", "/v1.44/containers/dc1/logs?stdout=true&stderr=true", null);
    byte[] raw = logs.stdout().getBytes(StandardCharsets.ISO_8859_1);
    assertTrue(logs.stdout().contains("out\n") && logs.stdout().contains("err\n"), logs.stdout());
    JsonNode listed = c.get("/v1.44/containers/json?all=true&filters=%7B%22label%22%3A%5B%22org.testcontainers%3Dtrue%22%5D%7D").json();
    assertEquals(1, listed.size());
    assertEquals("/dc1", listed.get(0).get("Names").get(0).asText());
    assertTrue(listed.get(0).get("Status").asText().startsWith("Exited (4)"));
    assertEquals(204, c.delete("/v1.44/containers/dc1?v=true&force=true").status());
    assertEquals(404, c.get("/v1.44/containers/dc1/json").status());
    assertTrue(raw.length > 0);
  }

  @Test
  void container_stateConflictsAre409OnTheDockerPath() {
    var created = c.post("/v1.41/containers/create?name=dc2",
        "{\"Image\":\"localhost/busybox\",\"Cmd\":[\"sleep\",\"100\"]}");
    assertEquals(201, created.status(), created.body());
    var kill = c.post("/v1.41/containers/dc2/kill", null);
    assertEquals(409, kill.status(), kill.body());
    assertTrue(kill.json().get("message").asText().endsWith("container state improper"));
    assertEquals(204, c.delete("/v1.41/containers/dc2").status());
  }

  @Test
  void volumes_andPrunesAnswerInDockerShape() throws Exception {
    assertEquals(201, c.post("/v1.44/volumes/create", "{\"Name\":\"dv\",\"Labels\":{\"a\":\"b\"}}").status());
    assertEquals("b", c.get("/v1.44/volumes/dv").json().at("/Labels/a").asText());
    JsonNode pruned = c.post("/v1.44/volumes/prune", null).json();
    assertTrue(pruned.get("VolumesDeleted").toString().contains("dv"));
    assertTrue(c.post("/v1.44/containers/prune", null).json().has("ContainersDeleted"));
    assertTrue(c.post("/v1.44/images/prune", null).json().has("ImagesDeleted"));
    assertTrue(Files.exists(TestImages.dockerArchive()));
  }
}
