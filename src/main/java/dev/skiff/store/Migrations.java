package dev.skiff.store;

import java.util.List;

/**
 * Forward-only schema migrations. Migration N (1-based) moves a store from {@code user_version}
 * N-1 to N. Never edit a released migration: append a new one.
 */
final class Migrations {

  private Migrations() {}

  static final List<String> ALL =
      List.of(
          // 1: the first schema. Rich per-object data is JSON in `data`; columns are what we query.
          """
          CREATE TABLE containers (
            id          TEXT PRIMARY KEY,
            name        TEXT NOT NULL UNIQUE,
            image_id    TEXT,
            state       TEXT NOT NULL,
            created_at  INTEGER NOT NULL,
            data        TEXT NOT NULL
          );
          CREATE TABLE images (
            id          TEXT PRIMARY KEY,
            created_at  INTEGER NOT NULL,
            data        TEXT NOT NULL
          );
          CREATE TABLE image_names (
            name        TEXT PRIMARY KEY,
            image_id    TEXT NOT NULL REFERENCES images(id) ON DELETE CASCADE
          );
          CREATE TABLE layers (
            diff_id     TEXT PRIMARY KEY,
            size        INTEGER NOT NULL,
            data        TEXT NOT NULL
          );
          CREATE TABLE id_allocations (
            owner       TEXT PRIMARY KEY,
            uid_start   INTEGER NOT NULL,
            gid_start   INTEGER NOT NULL,
            size        INTEGER NOT NULL
          );
          CREATE TABLE volumes (
            name        TEXT PRIMARY KEY,
            created_at  INTEGER NOT NULL,
            data        TEXT NOT NULL
          );
          CREATE TABLE exec_sessions (
            id           TEXT PRIMARY KEY,
            container_id TEXT NOT NULL REFERENCES containers(id) ON DELETE CASCADE,
            data         TEXT NOT NULL
          );
          CREATE TABLE events (
            seq         INTEGER PRIMARY KEY AUTOINCREMENT,
            time_nano   INTEGER NOT NULL,
            type        TEXT NOT NULL,
            action      TEXT NOT NULL,
            actor_id    TEXT NOT NULL,
            attributes  TEXT NOT NULL
          );
          CREATE INDEX events_time ON events(time_nano);
          """,
          // 2: a container's --userns=auto range is freed in the same statement that deletes it.
          // (Database splits statements at ";" + newline: keep the trigger body on one line.)
          """
          CREATE TRIGGER containers_free_id_allocation AFTER DELETE ON containers
          BEGIN DELETE FROM id_allocations WHERE owner = 'container:' || OLD.id; END;
          """);

  static int latest() {
    return ALL.size();
  }
}
