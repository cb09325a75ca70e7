/**
 * Pulling images from registries (OCI distribution API v2): {@link RegistryClient} speaks HTTP
 * through the JDK's {@code java.net.http.HttpClient}, handling the bearer-token and basic
 * authentication challenges and verifying every blob's digest while it streams;
 * {@link ImagePuller} resolves a reference to one linux/amd64 image and stages its config and
 * uncompressed layers for {@link dev.skiff.image.archive.ImageUnpacker}, skipping layers the
 * store already has.
 *
 * <p>The one place of {@code dev.skiff.image} that does network I/O. May use {@code
 * dev.skiff.image}, {@code .json}, {@code .archive}, {@code .layer}, {@code java.net.http} and
 * Jackson; nothing else of Skiff.
 */
package dev.skiff.image.registry;
