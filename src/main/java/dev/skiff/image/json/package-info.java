/**
 * Wire shapes of image JSON: OCI image config, manifest, index and layout; Docker v2 schema 2
 * manifest and manifest list; the docker-archive {@code manifest.json}. Records only, no logic
 * beyond normalising nulls. Unknown members are ignored when reading; absent members are omitted
 * when writing. Depends on Jackson and {@code dev.skiff.image} value types only.
 */
package dev.skiff.image.json;
