package dev.skiff.security;

/** Two entries of different owners whose ranges share at least one ID. */
public record SubIdOverlap(SubIdEntry first, SubIdEntry second) {

  @Override
  public String toString() {
    return "line "
        + first.lineNumber()
        + " ("
        + first.owner()
        + " "
        + first.range()
        + ") overlaps line "
        + second.lineNumber()
        + " ("
        + second.owner()
        + " "
        + second.range()
        + ")";
  }
}
