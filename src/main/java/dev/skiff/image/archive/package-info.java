/**
 * Image archives: reading docker-archive and oci-archive tars ({@code podman load}), writing them
 * ({@code podman save}), and turning a rootfs tarball into a one-layer image ({@code podman
 * import}). Everything streams: blobs are spooled to files in a caller-given staging directory
 * while being hashed, and only small JSON documents are held in memory.
 *
 * <p>May use {@code dev.skiff.image}, {@code .json} and {@code .layer}; nothing else of Skiff.
 */
package dev.skiff.image.archive;
