package dev.skiff.image.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The certs.d lookup; the TLS handshake with a certs.d CA is covered by RegistryIT. */
class CertsDirsTest {
  @TempDir Path tmp;

  @Test
  void dirFor_firstDirectoryWithTheRegistryWins() throws Exception {
    Path user = Files.createDirectories(tmp.resolve("user"));
    Path system = Files.createDirectories(tmp.resolve("system/reg.example:5000"));
    CertsDirs dirs = new CertsDirs(List.of(user, tmp.resolve("system")));
    assertEquals(Optional.of(system), dirs.dirFor("reg.example:5000"));
    Files.createDirectories(user.resolve("reg.example:5000"));
    assertEquals(Optional.of(user.resolve("reg.example:5000")), dirs.dirFor("reg.example:5000"));
    assertEquals(Optional.empty(), dirs.dirFor("reg.example"), "the port is part of the name");
  }

  @Test
  void sslContext_withoutCasTrustsTheJdkRoots_andRefusesClientCertificates() throws Exception {
    Path dir = Files.createDirectories(tmp.resolve("r"));
    CertsDirs.sslContext(dir);
    Files.writeString(dir.resolve("client.key"), "x");
    var e = assertThrows(RegistryException.class, () -> CertsDirs.sslContext(dir));
    assertTrue(e.getMessage().contains("client certificates"), e.getMessage());
  }
}
