package dev.skiff.image.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.api.Test;

class RegistryAuthTest {

  private static String b64url(String json) {
    return Base64.getUrlEncoder().encodeToString(json.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void decode_emptyObjectOrAbsent_isAnonymous() {
    assertTrue(RegistryAuth.decode("e30=").forRegistry("docker.io").isEmpty());
    assertTrue(RegistryAuth.decode(null).forRegistry("docker.io").isEmpty());
    assertTrue(RegistryAuth.decode("").forRegistry("x").isEmpty());
  }

  @Test
  void decode_singleConfig_appliesToItsServerOnly() {
    RegistryAuth a = RegistryAuth.decode(b64url(
        "{\"username\":\"u\",\"password\":\"p?>\",\"serveraddress\":\"127.0.0.1:5000\"}"));
    var c = a.forRegistry("127.0.0.1:5000").orElseThrow();
    assertEquals("u", c.username());
    assertEquals("p?>", c.password());
    assertTrue(a.forRegistry("quay.io").isEmpty());
    assertFalse(c.toString().contains("p?>"), "toString hides the password");
  }

  @Test
  void decode_withoutServerAddress_appliesToAnyRegistry_andAuthFieldIsSplit() {
    String auth = Base64.getEncoder().encodeToString("alice:pw:with:colons".getBytes(StandardCharsets.UTF_8));
    var c = RegistryAuth.decode(b64url("{\"auth\":\"" + auth + "\"}")).forRegistry("quay.io").orElseThrow();
    assertEquals("alice", c.username());
    assertEquals("pw:with:colons", c.password());
  }

  @Test
  void decode_mapOfServers_andDockerHubAliases() {
    RegistryAuth a = RegistryAuth.decode(b64url("{\"https://index.docker.io/v1/\":{\"username\":\"d\",\"password\":\"x\"},"
        + "\"quay.io\":{\"identitytoken\":\"tok\"}}"));
    assertEquals("d", a.forRegistry("docker.io").orElseThrow().username());
    assertTrue(a.forRegistry("quay.io").orElseThrow().hasIdentityToken());
    assertTrue(a.forRegistry("ghcr.io").isEmpty());
  }

  @Test
  void decode_standardBase64AlsoAccepted() {
    String std = Base64.getEncoder().encodeToString("{\"username\":\"a??\",\"password\":\"b>>\"}".getBytes(StandardCharsets.UTF_8));
    assertEquals("a??", RegistryAuth.decode(std).forRegistry("r").orElseThrow().username());
  }

  @Test
  void decode_garbage_isRejectedWithReason() {
    assertTrue(assertThrows(IllegalArgumentException.class, () -> RegistryAuth.decode("%%%"))
        .getMessage().contains("base64"));
    assertTrue(assertThrows(IllegalArgumentException.class, () -> RegistryAuth.decode(b64url("[1]")))
        .getMessage().contains("object"));
    assertTrue(assertThrows(IllegalArgumentException.class, () -> RegistryAuth.decode(b64url("not json")))
        .getMessage().contains("JSON"));
  }
}
