package dev.skiff.engine.container;

import java.time.Instant;

/**
 * What part of a container's log to read.
 *
 * @param since only records at or after this time (null = all)
 * @param until only records before this time (null = no end)
 * @param tail only the last N lines (-1 = all)
 */
public record LogOptions(boolean stdout, boolean stderr, Instant since, Instant until, int tail, boolean follow) {}
