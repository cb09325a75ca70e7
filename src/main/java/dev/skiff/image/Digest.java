package dev.skiff.image;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A content digest, {@code sha256:<64 lowercase hex>} or {@code sha512:<128 lowercase hex>}, as
 * the OCI image spec defines for the algorithms it registers. Parsed once; immutable.
 */
public final class Digest implements Comparable<Digest> {
  /** The digest algorithms we accept, with their hex length and JCA name. */
  public enum Algorithm {
    SHA256("sha256", 64, "SHA-256"),
    SHA512("sha512", 128, "SHA-512");

    private final String prefix;
    private final int hexLength;
    private final String jcaName;

    Algorithm(String prefix, int hexLength, String jcaName) {
      this.prefix = prefix;
      this.hexLength = hexLength;
      this.jcaName = jcaName;
    }

    public String prefix() {
      return prefix;
    }

    /** A fresh {@link MessageDigest} for this algorithm. */
    public MessageDigest newMessageDigest() {
      try {
        return MessageDigest.getInstance(jcaName);
      } catch (NoSuchAlgorithmException e) {
        throw new IllegalStateException(jcaName + " missing from the JDK", e);
      }
    }
  }

  private static final Pattern HEX = Pattern.compile("[0-9a-f]+");

  private final Algorithm algorithm;
  private final String hex;

  private Digest(Algorithm algorithm, String hex) {
    this.algorithm = algorithm;
    this.hex = hex;
  }

  /** Parses {@code algorithm:hex}; rejects anything else, quoting the input. */
  public static Digest parse(String s) throws InvalidDigestException {
    if (s == null) {
      throw new InvalidDigestException("invalid digest: null");
    }
    int colon = s.indexOf(':');
    if (colon < 0) {
      throw new InvalidDigestException("invalid digest \"" + s + "\": missing algorithm prefix");
    }
    String prefix = s.substring(0, colon);
    String hex = s.substring(colon + 1);
    for (Algorithm a : Algorithm.values()) {
      if (a.prefix.equals(prefix)) {
        if (hex.length() != a.hexLength || !HEX.matcher(hex).matches()) {
          throw new InvalidDigestException(
              "invalid digest \"" + s + "\": expected " + a.hexLength + " lowercase hex digits");
        }
        return new Digest(a, hex);
      }
    }
    throw new InvalidDigestException(
        "invalid digest \"" + s + "\": unsupported algorithm \"" + prefix + "\"");
  }

  /** A sha256 digest from 64 hex digits (no prefix), e.g. an image id. */
  public static Digest ofSha256Hex(String hex) throws InvalidDigestException {
    return parse("sha256:" + hex);
  }

  /** The sha256 digest of raw bytes. */
  public static Digest sha256(byte[] bytes) {
    return fromBytes(Algorithm.SHA256, Algorithm.SHA256.newMessageDigest().digest(bytes));
  }

  /** The sha256 digest of a file's content, read in a streaming way. */
  public static Digest sha256(Path file) throws IOException {
    MessageDigest md = Algorithm.SHA256.newMessageDigest();
    try (InputStream in = Files.newInputStream(file)) {
      byte[] buf = new byte[64 * 1024];
      for (int n; (n = in.read(buf)) > 0; ) {
        md.update(buf, 0, n);
      }
    }
    return fromBytes(Algorithm.SHA256, md.digest());
  }

  /** A digest from a finished {@link MessageDigest} result. */
  public static Digest fromBytes(Algorithm algorithm, byte[] digestBytes) {
    return new Digest(algorithm, HexFormat.of().formatHex(digestBytes));
  }

  public Algorithm algorithm() {
    return algorithm;
  }

  /** The hex part, without the algorithm prefix. */
  public String hex() {
    return hex;
  }

  /** The first 12 hex digits, as {@code podman images} shows ids. */
  public String shortHex() {
    return hex.substring(0, 12);
  }

  @Override
  public String toString() {
    return algorithm.prefix + ":" + hex;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Digest d && d.algorithm == algorithm && d.hex.equals(hex);
  }

  @Override
  public int hashCode() {
    return Objects.hash(algorithm, hex);
  }

  @Override
  public int compareTo(Digest o) {
    return toString().compareTo(o.toString());
  }
}
