/**
 * Images: references, digests, image JSON, image archives (load/save/import) and safe layer
 * extraction.
 *
 * <p>Allowed dependencies: {@code java.*}, Jackson, commons-compress, zstd-jni, jnr-ffi. May not
 * depend on {@code api}, {@code engine}, {@code runtime}, {@code store} (no JDBC; HTTP only in
 * {@code registry}, through {@code java.net.http}), and
 * knows nothing about containers. What it needs from storage it declares itself
 * ({@link dev.skiff.image.layer.LayerStore}); {@code store/} persists the records it returns.
 *
 * <p>Sub-packages: {@code json} (wire shapes of OCI/Docker image JSON, no logic), {@code layer}
 * (tar extraction into a directory, content-addressed file layout), {@code archive}
 * (docker-archive / oci-archive readers and writers, rootfs import), {@code registry} (pulls over
 * the distribution API). {@code archive} may use {@code layer} and {@code json}; {@code registry}
 * may use {@code archive}, {@code layer} and {@code json}; {@code layer} may use only this
 * package's value types.
 */
package dev.skiff.image;
