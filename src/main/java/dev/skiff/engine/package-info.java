/**
 * Lifecycle rules and domain exceptions: system reports, volumes, events (containers to come). May use: store, runtime, security, image, config. May not import JAX-RS, pick status codes, fork processes or write files itself.
 */
package dev.skiff.engine;
