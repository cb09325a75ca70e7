package dev.skiff.store;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The batched listing queries over a real SQLite store. */
class ImageStoreTest {

  @TempDir Path dir;

  @Test
  void namesByImage_andContainerCounts_matchThePerImageQueries() {
    try (Database db = Database.open(dir)) {
      ImageStore images = new ImageStore(db);
      images.put(new ImageStore.ImageRow("a", 1, "{}"), List.of("localhost/b:1", "localhost/a:1"));
      images.put(new ImageStore.ImageRow("b", 2, "{}"), List.of());
      images.put(new ImageStore.ImageRow("c", 3, "{}"), List.of("localhost/c:1"));
      db.inTransaction(c -> {
        for (String[] row : new String[][] {{"1", "x1", "a"}, {"2", "x2", "a"}, {"3", "x3", "c"}}) {
          try (var ps = c.prepareStatement(
              "INSERT INTO containers(id, name, image_id, state, created_at, data) VALUES (?, ?, ?, 'created', 0, '{}')")) {
            ps.setString(1, row[0]);
            ps.setString(2, row[1]);
            ps.setString(3, row[2]);
            ps.executeUpdate();
          }
        }
        return null;
      });
      Map<String, List<String>> names = images.namesByImage();
      assertEquals(Map.of("a", images.namesOf("a"), "c", images.namesOf("c")), names);
      assertEquals(List.of("localhost/a:1", "localhost/b:1"), names.get("a"));
      assertEquals(Map.of("a", 2L, "c", 1L), images.containerCountsByImage());
    }
  }
}
