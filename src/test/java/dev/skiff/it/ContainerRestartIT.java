package dev.skiff.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Containers outlive a SIGKILLed daemon and are picked up again; exits while it was down are not lost. */
class ContainerRestartIT {

  @Test
  void sigkilledDaemon_findsRunningAndExitedContainersAfterRestart() {
    for (TestUser user : new TestUser[] {TestUser.rootless(), TestUser.ROOT}) {
      try (Daemon d = Daemon.start(user)) {
        Podman p = new Podman(d);
        p.ok("load", "-i", TestImages.dockerArchive().toString());
        p.ok("run", "-d", "--name", "long", TestImages.NAME, "sleep", "1000");
        p.ok("run", "-d", "--name", "short", TestImages.NAME, "sh", "-c", "sleep 1; exit 7");
        String pid = p.ok("inspect", "--format", "{{.State.Pid}}", "long");
        d.kill9();
        Daemon.sleep(3000); // "short" exits while no daemon is running
        d.start();
        assertEquals("running " + pid, p.ok("inspect", "--format", "{{.State.Status}} {{.State.Pid}}", "long"));
        // it exited while no daemon ran (the shim wrote its exit file); wait returns at once either way
        assertEquals("7", p.ok("wait", "short"));
        assertEquals("exited 7", p.ok("inspect", "--format", "{{.State.Status}} {{.State.ExitCode}}", "short"));
        assertEquals(2, p.ok("ps", "-a", "--format", "{{.Names}}").lines().count());
        p.ok("stop", "-t", "0", "long");
        assertEquals("137", p.ok("inspect", "--format", "{{.State.ExitCode}}", "long"));
        String events = p.ok("events", "--since", "5m", "--stream=false", "--format", "{{.Status}} {{.Name}}");
        assertTrue(events.contains("start long"), events);
        assertTrue(events.contains("died short"), events);
        p.ok("rm", "-f", "long", "short");
      }
    }
  }
}
