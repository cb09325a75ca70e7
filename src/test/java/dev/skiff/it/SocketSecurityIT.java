package dev.skiff.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;

/** The API socket is the security boundary: owner-only files, peer uid checked, one daemon per socket. */
class SocketSecurityIT {

  static final TestUser NOBODY = new TestUser("nobody", 65534, java.nio.file.Path.of("/nonexistent"));

  @Test
  void socket_isOwnerOnlyInAPrivateDirectory() throws Exception {
    try (Daemon d = Daemon.start(TestUser.rootless())) {
      assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(d.socket, LinkOption.NOFOLLOW_LINKS)));
      assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(d.socket.getParent())));
      assertEquals(d.user.uid(), ((Number) Files.getAttribute(d.socket, "unix:uid", LinkOption.NOFOLLOW_LINKS)).longValue());
    }
  }

  @Test
  void otherUid_cannotConnectToARootlessDaemon() throws Exception {
    try (Daemon d = Daemon.start(TestUser.rootless())) {
      // first guard: file permissions
      var denied = d.curl().as(NOBODY).raw("GET", "/_ping", null);
      assertNotEquals(0, denied.exit(), "nobody must not be able to connect: " + denied.stdout());
      assertTrue(denied.stderr().contains("Permission denied") || denied.stderr().contains("Couldn't connect"), denied.stderr());

      // second guard: with the permissions opened, SO_PEERCRED still refuses the stranger
      Exec.run(Exec.cmd("chmod", "0755", d.dir.toString(), d.runroot.toString())).requireOk();
      Exec.run(Exec.cmd("chmod", "0666", d.socket.toString())).requireOk();
      var refused = d.curl().as(NOBODY).get("/v4.3.1/libpod/info");
      assertEquals(403, refused.status());
      assertEquals(403, refused.json().get("response").asInt());
      assertTrue(refused.json().get("message").asText().contains("uid 65534"), refused.body());
      assertFalse(refused.body().contains("\"host\""));

      // the owner and root are served
      assertEquals(200, d.curl().as(d.user).get("/_ping").status());
      assertEquals(200, d.curl().as(TestUser.ROOT).get("/_ping").status());
    }
  }

  @Test
  void secondDaemon_onALiveSocketIsRefused() {
    try (Daemon d = Daemon.start(TestUser.rootless())) {
      var second = d.runExpectingFailure();
      assertNotEquals(0, second.exit());
      assertTrue(second.stderr().contains("another skiffd is serving " + d.socket), second.stderr());
      assertEquals(200, d.curl().as(d.user).get("/_ping").status(), "the first daemon keeps serving");
    }
  }

  @Test
  void rootlessDaemon_withoutXdgRuntimeDir_failsClearly() {
    TestUser u = TestUser.rootless();
    var r = Exec.run(Exec.cmd("runuser", "-u", u.name(), "--", "env", "-i", "HOME=" + u.home(),
        "PATH=/usr/bin:/bin", Install.skiffd().toString()), null, 60);
    assertEquals(2, r.exit(), r.stderr());
    assertTrue(r.stderr().contains("XDG_RUNTIME_DIR is not set"), r.stderr());

    var missing = Exec.run(Exec.cmd("runuser", "-u", u.name(), "--", "env", "-i", "HOME=" + u.home(),
        "XDG_RUNTIME_DIR=/run/user/does-not-exist", "PATH=/usr/bin:/bin", Install.skiffd().toString()), null, 60);
    assertEquals(1, missing.exit(), missing.stderr());
    assertTrue(missing.stderr().contains("/run/user/does-not-exist does not exist"), missing.stderr());
  }
}
