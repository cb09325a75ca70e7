package dev.skiff.security;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.stream.Collectors;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** Writing entries as lines and parsing them back gives the same entries. */
class SubIdFilePropertyTest {

  @Provide
  Arbitrary<List<SubIdEntry>> entries() {
    Arbitrary<String> owner = Arbitraries.strings().alpha().numeric().ofMinLength(1).ofMaxLength(8);
    Arbitrary<SubIdRange> range =
        Combinators.combine(
                Arbitraries.longs().between(0, 4_000_000_000L),
                Arbitraries.longs().between(1, 200_000))
            .as(SubIdRange::of);
    return Combinators.combine(owner, range).as((o, r) -> new SubIdEntry(o, r, 0)).list();
  }

  @Property(tries = 300)
  void parse_ofToLine_roundTrips(@ForAll("entries") List<SubIdEntry> entries) {
    String content =
        entries.stream().map(e -> e.toLine() + "\n# comment\n").collect(Collectors.joining());
    SubIdFile file = SubIdFile.parse(content, "prop");
    assertEquals(entries.size(), file.entries().size());
    for (int i = 0; i < entries.size(); i++) {
      assertEquals(entries.get(i).owner(), file.entries().get(i).owner());
      assertEquals(entries.get(i).range(), file.entries().get(i).range());
      assertEquals(2 * i + 1, file.entries().get(i).lineNumber());
    }
  }
}
