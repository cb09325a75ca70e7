package dev.skiff.engine.container;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.skiff.engine.ContainerState;
import dev.skiff.store.ContainerStore;
import dev.skiff.store.Database;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The index's maps stay in step with the store: names, id prefixes, newest-first order, reloads. */
class ContainerIndexTest {

  @TempDir Path root;
  private Database db;
  private ContainerIndex index;

  @BeforeEach
  void open() {
    db = Database.open(root);
    index = new ContainerIndex(new ContainerStore(db));
  }

  @AfterEach
  void close() {
    db.close();
  }

  private static ContainerRecord record(String id, String name, long createdSecond) {
    ContainerSpec spec = new ContainerSpec(
        new ContainerSpec.Basic(name, "img", List.of("true"), null, null, "", "", false, false, null, null, "", 0, -1,
            false, "", 0, ""),
        new ContainerSpec.Storage(null, null, false),
        new ContainerSpec.Security(null, null, false, false, "", "", "", null, null, null, "", "", null, null),
        new ContainerSpec.Resources(null, 0, 0, 0, 0, 0), new ContainerSpec.Network("none"));
    return new ContainerRecord(id, name, spec, "imgid", "img", Instant.ofEpochSecond(createdSecond),
        ContainerState.CREATED, 0, 0, null, null, "", JsonNodeFactory.instance.objectNode(), List.of(), 0, false);
  }

  private static String id(String prefix) {
    return (prefix + "0".repeat(64)).substring(0, 64);
  }

  @Test
  void insert_refusesTakenName() {
    assertTrue(index.insert(record(id("aa"), "web", 1)));
    assertFalse(index.insert(record(id("bb"), "web", 2)));
    assertEquals(id("aa"), index.byName("web").orElseThrow().id());
    assertEquals(1, index.all().size());
  }

  @Test
  void update_renameMovesTheNameAndRefusesATakenOne() {
    index.insert(record(id("aa"), "one", 1));
    index.insert(record(id("bb"), "two", 2));
    ContainerRecord one = index.byId(id("aa")).orElseThrow();
    assertFalse(index.update(one.renamed("two")), "name held by another container");
    assertTrue(index.update(one.renamed("uno")));
    assertEquals(Optional.empty(), index.byName("one"));
    assertEquals(id("aa"), index.byName("uno").orElseThrow().id());
    assertEquals(id("bb"), index.byName("two").orElseThrow().id());
    assertTrue(index.update(index.byId(id("aa")).orElseThrow().withState(ContainerState.EXITED)), "same name");
    assertEquals(ContainerState.EXITED, index.byName("uno").orElseThrow().state());
  }

  @Test
  void delete_forgetsIdNameAndPrefix() {
    index.insert(record(id("abc1"), "x", 1));
    index.delete(id("abc1"));
    assertEquals(Optional.empty(), index.byId(id("abc1")));
    assertEquals(Optional.empty(), index.byName("x"));
    assertEquals(List.of(), index.byIdPrefix("abc", 2));
    assertTrue(index.insert(record(id("abc2"), "x", 2)), "the name is free again");
  }

  @Test
  void byIdPrefix_rangeOfSortedIdsUpToLimit() {
    index.insert(record(id("ab12"), "a", 1));
    index.insert(record(id("ab13"), "b", 2));
    index.insert(record(id("ab2"), "c", 3));
    index.insert(record(id("ac"), "d", 4));
    assertEquals(2, index.byIdPrefix("ab1", 5).size());
    assertEquals(3, index.byIdPrefix("ab", 5).size());
    assertEquals(2, index.byIdPrefix("ab", 2).size(), "stops at the limit");
    assertEquals(List.of(id("ac")), index.byIdPrefix("ac", 2).stream().map(ContainerRecord::id).toList());
    assertEquals(List.of(), index.byIdPrefix("ad", 2));
  }

  @Test
  void all_newestFirstThenById_andAReloadSeesTheSame() {
    index.insert(record(id("cc"), "old", 10));
    index.insert(record(id("bb"), "new2", 30));
    index.insert(record(id("aa"), "new1", 30));
    index.insert(record(id("dd"), "mid", 20));
    index.update(index.byId(id("dd")).orElseThrow().withState(ContainerState.RUNNING));
    List<String> order = List.of(id("aa"), id("bb"), id("dd"), id("cc"));
    assertEquals(order, index.all().stream().map(ContainerRecord::id).toList());
    ContainerIndex reloaded = new ContainerIndex(new ContainerStore(db));
    assertEquals(order, reloaded.all().stream().map(ContainerRecord::id).toList());
    assertEquals(ContainerState.RUNNING, reloaded.byName("mid").orElseThrow().state());
  }
}
