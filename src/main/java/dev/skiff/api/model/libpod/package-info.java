/**
 * libpod wire shapes (podman's JSON member names and types).
 */
package dev.skiff.api.model.libpod;
