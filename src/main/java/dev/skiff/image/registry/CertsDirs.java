package dev.skiff.image.registry;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;

/**
 * The containers/image {@code certs.d} convention: for registry {@code host[:port]}, the first of
 * the configured directories that has a {@code host[:port]/} subdirectory supplies extra CA
 * certificates ({@code *.crt}), trusted in addition to the JDK's roots. Client certificates
 * ({@code *.cert}/{@code *.key}) are not supported and are refused rather than ignored.
 */
public final class CertsDirs {
  private final List<Path> dirs;

  public CertsDirs(List<Path> dirs) {
    this.dirs = List.copyOf(dirs);
  }

  /** The {@code certs.d/<registry>} directory that applies, if any. */
  public Optional<Path> dirFor(String registry) {
    for (Path d : dirs) {
      Path p = d.resolve(registry);
      if (Files.isDirectory(p)) {
        return Optional.of(p);
      }
    }
    return Optional.empty();
  }

  /** An SSL context trusting the JDK's roots plus the {@code *.crt} files of {@code dir}. */
  public static SSLContext sslContext(Path dir) throws RegistryException {
    try {
      List<Path> cas = new ArrayList<>();
      try (var s = Files.list(dir)) {
        for (Path f : (Iterable<Path>) s.sorted()::iterator) {
          String n = f.getFileName().toString();
          if (n.endsWith(".cert") || n.endsWith(".key")) {
            throw new RegistryException(RegistryException.Kind.INVALID, "client certificates in " + dir
                + " are not supported by skiffd (" + n + ")");
          }
          if (n.endsWith(".crt")) {
            cas.add(f);
          }
        }
      }
      KeyStore ks = KeyStore.getInstance(KeyStore.getDefaultType());
      ks.load(null, null);
      TrustManagerFactory sys = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      sys.init((KeyStore) null);
      int i = 0;
      for (TrustManager tm : sys.getTrustManagers()) {
        if (tm instanceof X509TrustManager x) {
          for (X509Certificate c : x.getAcceptedIssuers()) {
            ks.setCertificateEntry("system-" + i++, c);
          }
        }
      }
      CertificateFactory cf = CertificateFactory.getInstance("X.509");
      for (Path f : cas) {
        try (InputStream in = Files.newInputStream(f)) {
          for (Certificate c : cf.generateCertificates(in)) {
            ks.setCertificateEntry("certs.d-" + i++, c);
          }
        }
      }
      TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      tmf.init(ks);
      SSLContext ctx = SSLContext.getInstance("TLS");
      ctx.init(null, tmf.getTrustManagers(), null);
      return ctx;
    } catch (IOException | GeneralSecurityException e) {
      throw new RegistryException(RegistryException.Kind.INVALID, "reading the CA certificates in " + dir + ": "
          + e.getMessage(), e);
    }
  }
}
