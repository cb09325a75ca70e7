package dev.skiff;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SubIdsCommandTest {

  @Test
  void parse_userSizeFlagsAndDefaults() {
    assertEquals(new SubIdsCommand.Args("bob", 65536, false, Path.of("/var/lib/skiff")),
        SubIdsCommand.Args.parse(List.of("add", "bob")));
    assertEquals(new SubIdsCommand.Args("bob", 10, true, Path.of("/srv/skiff")),
        SubIdsCommand.Args.parse(List.of("add", "--size", "10", "bob", "--force-additional", "--root=/srv/skiff")));
  }

  @Test
  void parse_mistakesAreUsageErrors() {
    for (List<String> args : List.<List<String>>of(List.of(), List.of("del", "bob"), List.of("add"), List.of("add", "a", "b"),
        List.of("add", "bob", "--size"), List.of("add", "bob", "--size", "x"), List.of("add", "bob", "--nope"))) {
      assertThrows(SubIdsCommand.UsageException.class, () -> SubIdsCommand.Args.parse(args), args.toString());
    }
  }

  @Test
  void run_nonRootIsRefusedBeforeTouchingAnything() {
    var err = new ByteArrayOutputStream();
    int code = SubIdsCommand.run(List.of("add", "bob"), 1000,
        Map.of("skiff.subuid-file", "/nonexistent/subuid"), System.out, new PrintStream(err, true, StandardCharsets.UTF_8));
    assertEquals(1, code);
    assertTrue(err.toString(StandardCharsets.UTF_8).contains("must be run as root: it writes /nonexistent/subuid"));
  }
}
