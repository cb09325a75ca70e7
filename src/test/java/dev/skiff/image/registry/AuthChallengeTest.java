package dev.skiff.image.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AuthChallengeTest {

  @Test
  void parse_bearerWithQuotedParams() {
    var c = AuthChallenge.parse(List.of(
        "Bearer realm=\"https://auth.docker.io/token\",service=\"registry.docker.io\",scope=\"repository:library/busybox:pull\""));
    assertEquals(1, c.size());
    assertEquals("bearer", c.get(0).scheme());
    assertEquals(Map.of("realm", "https://auth.docker.io/token", "service", "registry.docker.io",
        "scope", "repository:library/busybox:pull"), c.get(0).params());
  }

  @Test
  void parse_basicRealmWithSpaces_andSeveralChallenges() {
    var c = AuthChallenge.parse(List.of("Basic realm=\"Registry Realm\", Bearer realm=x,service=y", "Negotiate"));
    assertEquals(3, c.size());
    assertEquals("basic", c.get(0).scheme());
    assertEquals("Registry Realm", c.get(0).param("realm"));
    assertEquals("bearer", c.get(1).scheme());
    assertEquals("x", c.get(1).param("realm"));
    assertEquals("y", c.get(1).param("service"));
    assertEquals("negotiate", c.get(2).scheme());
  }

  @Test
  void parse_escapesAndGarbage() {
    var c = AuthChallenge.parse(List.of("Bearer realm=\"a\\\"b\"", "", " , "));
    assertEquals(1, c.size());
    assertEquals("a\"b", c.get(0).param("realm"));
  }
}
