package dev.skiff.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class PasswdFileTest {

  @Test
  void parse_usersTheirIdsAndSkipsWhatIsNotAnAccount() {
    PasswdFile p = PasswdFile.parse("""
        root:x:0:0:root:/root:/bin/bash
        # comment
        +nisuser::::::
        alice:x:1000:1000:Alice,,,:/home/alice:/bin/bash
        broken:x:abc:1
        svc:x:200000:300000::/:/usr/sbin/nologin
        """);
    assertEquals(List.of("root", "alice", "svc"), p.users().stream().map(PasswdFile.User::name).toList());
    assertEquals(new PasswdFile.User("svc", 200000, 300000), p.user("svc").orElseThrow());
    assertTrue(p.user("broken").isEmpty());
    assertEquals(List.of(0L, 1000L, 200000L, 300000L), p.realIds());
  }
}
