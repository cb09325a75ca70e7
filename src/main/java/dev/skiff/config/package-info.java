/**
 * Typed configuration (SkiffConfig), the daemon's command line (DaemonOptions) and build information. Depends on nothing else in dev.skiff.
 */
package dev.skiff.config;
