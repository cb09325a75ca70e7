/**
 * The embedded SQLite store and the on-disk layout; all SQL lives here. May use: config (engine records are handed in as JSON rows). May not hold lifecycle rules, start processes or know HTTP.
 */
package dev.skiff.store;
