/**
 * Docker-compatible resources; owns the Docker quirks. May use: api, api.model, engine. May not leak Docker field names into engine.
 */
package dev.skiff.api.compat;
