/**
 * Layer extraction and the content-addressed file layout of layers and blobs.
 *
 * <p>{@link dev.skiff.image.layer.LayerExtractor} is the security boundary of image handling: it
 * turns an untrusted tar into a directory and never writes outside it. Depends only on
 * {@code dev.skiff.image} value types, commons-compress and jnr-ffi (for {@code mknod} and
 * {@code lsetxattr}, which Java lacks). No processes, no JDBC.
 */
package dev.skiff.image.layer;
