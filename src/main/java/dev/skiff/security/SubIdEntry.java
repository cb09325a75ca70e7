package dev.skiff.security;

import java.util.Objects;

/**
 * One line of a subordinate-ID file: {@code owner:start:count}, where {@code owner} is a user name
 * or a numeric uid.
 */
public record SubIdEntry(String owner, SubIdRange range, int lineNumber) {

  public SubIdEntry {
    Objects.requireNonNull(owner, "owner");
    Objects.requireNonNull(range, "range");
  }

  /** True if this entry names the user, by name or by numeric uid. */
  public boolean belongsTo(String userName, long uid) {
    return owner.equals(userName) || owner.equals(Long.toString(uid));
  }

  /** The line as shadow-utils writes it. */
  public String toLine() {
    return owner + ":" + range.start() + ":" + range.count();
  }
}
