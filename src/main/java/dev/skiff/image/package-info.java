/**
 * Images: references, digests, image JSON, image archives (load/save/import) and safe layer
 * extraction.
 *
 * <p>Allowed dependencies: {@code java.*}, Jackson, commons-compress, zstd-jni, jnr-ffi. May not
 * depend on {@code api}, {@code engine}, {@code runtime}, {@code store} (no JDBC, no HTTP), and
 * knows nothing about containers. What it needs from storage it declares itself
 * ({@link dev.skiff.image.layer.LayerStore}); {@code store/} persists the records it returns.
 *
 * <p>Sub-packages: {@code json} (wire shapes of OCI/Docker image JSON, no logic), {@code layer}
 * (tar extraction into a directory, content-addressed file layout), {@code archive}
 * (docker-archive / oci-archive readers and writers, rootfs import). {@code archive} may use
 * {@code layer} and {@code json}; {@code layer} may use only this package's value types.
 */
package dev.skiff.image;
