package dev.skiff.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The shipped user unit passes systemd-analyze verify with no warning at all. */
class SystemdUnitIT {

  @Test
  void userUnit_verifiesCleanly() throws Exception {
    Path unit = Install.projectDir().resolve("systemd/skiff.service");
    Path xdg = Files.createTempDirectory("skiff-systemd-");
    // verify checks that ExecStart exists: point it at the test install
    Path copy = xdg.resolve("skiff.service");
    Files.writeString(copy, Files.readString(unit).replace("/usr/local/bin/skiffd", Install.skiffd().toString()));
    var r = Exec.run(Exec.cmd("env", "XDG_RUNTIME_DIR=" + xdg, "systemd-analyze", "--user", "verify", "--man=no", copy.toString()));
    assertEquals(0, r.exit(), r.stderr());
    assertEquals("", r.stderr().trim(), "systemd-analyze printed warnings");
  }
}
