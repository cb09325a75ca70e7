package dev.skiff.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class DigestTest {
  @Test
  void parse_sha256AndSha512() throws Exception {
    String h256 = "a".repeat(64);
    Digest d = Digest.parse("sha256:" + h256);
    assertEquals(Digest.Algorithm.SHA256, d.algorithm());
    assertEquals(h256, d.hex());
    assertEquals("aaaaaaaaaaaa", d.shortHex());
    assertEquals(Digest.Algorithm.SHA512, Digest.parse("sha512:" + "0".repeat(128)).algorithm());
  }

  @Test
  void sha256_ofBytes_matchesKnownValue() {
    assertEquals("sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
        Digest.sha256(new byte[0]).toString());
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "sha256", "sha256:", "sha256:abc", "md5:d41d8cd98f00b204e9800998ecf8427e",
      "sha256:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
      "sha512:aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"})
  void parse_invalid_rejectedQuotingInput(String input) {
    var e = assertThrows(InvalidDigestException.class, () -> Digest.parse(input));
    assertTrue(e.getMessage().contains("\"" + input + "\"") || input.isEmpty(), e.getMessage());
  }
}
