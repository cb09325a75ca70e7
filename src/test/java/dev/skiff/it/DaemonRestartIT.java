package dev.skiff.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import org.junit.jupiter.api.Test;

/** SIGKILL and start again: the stale socket is replaced and the store is intact. */
class DaemonRestartIT {

  @Test
  void sigkill_thenRestart_replacesSocketAndKeepsStore() {
    for (TestUser user : new TestUser[] {TestUser.rootless(), TestUser.ROOT}) {
      try (Daemon d = Daemon.start(user)) {
        Curl c = d.curl().as(user);
        assertEquals(201, c.post("/v4.3.1/libpod/volumes/create", "{\"Name\":\"keep\"}").status());
        d.kill9();
        assertTrue(Files.exists(d.socket), "a SIGKILLed daemon leaves its socket behind");
        d.start();
        assertEquals(200, c.get("/_ping").status());
        var v = c.get("/v4.3.1/libpod/volumes/keep/json");
        assertEquals(200, v.status(), v.body());
        assertEquals("keep", v.json().get("Name").asText());
        assertEquals(1, c.get("/v4.3.1/libpod/volumes/json").json().size());
      }
    }
  }
}
