package dev.skiff.image.registry;

import java.net.Socket;
import java.net.http.HttpClient;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * The two JDK HTTP clients pulls use: one verifying certificates and host names with the JDK's
 * trust store, one for insecure registries that accepts any certificate (the extended trust
 * manager below also skips the host-name check, which the JDK performs inside it). Redirects
 * are never followed automatically ({@link RegistryClient} follows them itself).
 */
public final class HttpClients {
  private static volatile HttpClient verifying;
  private static volatile HttpClient insecure;

  private HttpClients() {}

  public static HttpClient verifying() {
    if (verifying == null) {
      synchronized (HttpClients.class) {
        if (verifying == null) {
          verifying = builder().build();
        }
      }
    }
    return verifying;
  }

  public static HttpClient insecure() {
    if (insecure == null) {
      synchronized (HttpClients.class) {
        if (insecure == null) {
          insecure = builder().sslContext(trustAll()).build();
        }
      }
    }
    return insecure;
  }

  /** A verifying client trusting only {@code ctx}'s roots (e.g. a certs.d CA). */
  public static HttpClient with(SSLContext ctx) {
    return builder().sslContext(ctx).build();
  }

  private static HttpClient.Builder builder() {
    return HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
        .followRedirects(HttpClient.Redirect.NEVER).connectTimeout(Duration.ofSeconds(10));
  }

  private static SSLContext trustAll() {
    try {
      SSLContext ctx = SSLContext.getInstance("TLS");
      ctx.init(null, new TrustManager[] {new TrustAll()}, new SecureRandom());
      return ctx;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot set up TLS for insecure registries", e);
    }
  }

  /** Accepts every server certificate, without a host-name check: for registries marked insecure only. */
  private static final class TrustAll extends X509ExtendedTrustManager {
    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) {}

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) {}

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {}

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {}

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) {}

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) {}

    @Override
    public X509Certificate[] getAcceptedIssuers() {
      return new X509Certificate[0];
    }
  }
}
