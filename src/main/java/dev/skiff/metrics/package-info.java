/**
 * Prometheus metrics (Micrometer): API requests, containers by state, the optional loopback listener. Reads through engine; changes nothing.
 */
package dev.skiff.metrics;
