package dev.skiff;

import dev.skiff.config.DaemonOptions;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.SocketChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/**
 * Prepares the runtime directory and the API socket path before the HTTP server listens.
 *
 * <ul>
 *   <li>The runtime directory and the socket's directory are created 0700.
 *   <li>A lock file in the runtime directory is held for the daemon's life, so two daemons can
 *       never share a runtime directory.
 *   <li>An existing socket that still accepts connections belongs to a live daemon: refused. One
 *       that refuses connections is stale (its daemon died) and is removed.
 * </ul>
 */
final class ApiSocketGuard {

  private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rwx------");

  /** Held until the process exits; the kernel releases it if the daemon is killed. */
  private static FileLock runrootLock;

  private ApiSocketGuard() {}

  static void prepare(DaemonOptions options) {
    if (options.rootless()) {
      checkRuntimeParent(options.runroot().getParent());
    }
    createPrivateDir(options.runroot());
    createPrivateDir(options.socket().getParent());
    lockRunroot(options);
    clearStaleSocket(options.socket());
  }

  /** A 0700 scratch directory in the runtime directory, for caches of this daemon only. */
  static Path privateTmp(DaemonOptions options) {
    Path tmp = options.runroot().resolve("tmp");
    createPrivateDir(tmp);
    return tmp;
  }

  private static void checkRuntimeParent(Path parent) {
    if (parent == null || !Files.isDirectory(parent)) {
      throw new StartupException(
          "runtime directory " + parent + " does not exist (XDG_RUNTIME_DIR must name an existing directory)");
    }
    if (!Files.isWritable(parent)) {
      throw new StartupException("runtime directory " + parent + " is not writable by this user");
    }
  }

  private static void createPrivateDir(Path dir) {
    try {
      if (!Files.isDirectory(dir)) {
        Files.createDirectories(dir);
        Files.setPosixFilePermissions(dir, OWNER_ONLY);
      }
    } catch (IOException e) {
      throw new StartupException("cannot create directory " + dir + ": " + reason(e), e);
    }
  }

  private static void lockRunroot(DaemonOptions options) {
    Path lockFile = options.runroot().resolve("skiffd.lock");
    try {
      FileChannel ch = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
      FileLock lock = ch.tryLock();
      if (lock == null) {
        ch.close();
        throw new StartupException("another skiffd is serving " + options.socket()
            + " (it holds " + lockFile + ")");
      }
      runrootLock = lock;
    } catch (IOException e) {
      throw new StartupException("cannot lock " + lockFile + ": " + reason(e), e);
    }
  }

  private static void clearStaleSocket(Path socket) {
    if (!Files.exists(socket, LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    if (!isSocket(socket)) {
      throw new StartupException(socket + " exists and is not a socket; refusing to replace it");
    }
    try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
      ch.connect(UnixDomainSocketAddress.of(socket));
      throw new StartupException("another skiffd is serving " + socket);
    } catch (IOException refused) {
      try {
        Files.deleteIfExists(socket);
      } catch (IOException e) {
        throw new StartupException("cannot remove stale socket " + socket + ": " + reason(e), e);
      }
    }
  }

  private static boolean isSocket(Path p) {
    try {
      return !Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)
          && !Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)
          && !Files.isSymbolicLink(p)
          && ((Integer) Files.getAttribute(p, "unix:mode", LinkOption.NOFOLLOW_LINKS) & 0170000) == 0140000;
    } catch (IOException | UnsupportedOperationException e) {
      return false;
    }
  }

  static String reason(IOException e) {
    if (e instanceof AccessDeniedException) {
      return "permission denied";
    }
    if (e instanceof NoSuchFileException) {
      return "no such file or directory";
    }
    return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
  }
}
