package dev.skiff.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.skiff.security.IdMap;
import dev.skiff.security.IdMapping;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The holder's command-line map syntax and what happens when no holder can be made. */
class NamespaceHolderTest {

  @TempDir Path dir;

  @Test
  void list_isInsideOutsideCountCommaSeparated() {
    IdMap m = IdMap.of(IdMapping.of(0, 1001, 1), IdMapping.of(1, 100000, 65536));
    assertEquals("0:1001:1,1:100000:65536", NamespaceHolder.list(m));
  }

  @Test
  void noHolderProcess_meansNoArguments_andTheReasonIsKept() {
    IdMap m = IdMap.of(IdMapping.of(0, 1001, 1));
    NamespaceHolder h = new NamespaceHolder(dir.resolve("no-such-shim"), dir.resolve("run/holder.pid"), m, m);
    assertEquals(List.of(), NamespaceHolder.args(h), "the shim maps through newuidmap instead");
    assertTrue(h.problem().orElseThrow().contains("no-such-shim"), h.problem().toString());
    assertTrue(h.state().isEmpty());
    assertEquals(List.of(), NamespaceHolder.args(null));
  }
}
