package dev.skiff.image.layer;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;

/**
 * Extracts an uncompressed layer tar into a directory, converting OCI whiteouts to overlay
 * whiteouts, and never writing outside that directory.
 *
 * <p>The safety rules, checked for every entry before anything is written:
 *
 * <ul>
 *   <li>Names are made relative the way tar does (leading {@code /} stripped); a {@code ..}
 *       component anywhere, or a NUL byte, rejects the layer.
 *   <li>Every parent component is looked up without following links: a parent that is a symlink
 *       (whatever it points to) or a non-directory rejects the layer. Missing parents are created
 *       (mode 0755, owner = the mapped 0:0), as tar does.
 *   <li>An existing entry at the final name is removed first (a directory only when the new entry
 *       is not one), then the new one is created with {@code CREATE_NEW}/{@code NOFOLLOW_LINKS}, so
 *       a planted symlink is replaced, never written through.
 *   <li>Symlinks are created with whatever target they name and are never followed afterwards.
 *   <li>Hardlink targets follow the same name rules, must already exist in this layer, must not be
 *       a directory, and must not be a symlink whose relative target climbs out of the layer.
 *   <li>Character and block devices only when {@link ExtractLimits#allowDeviceNodes()}, else
 *       skipped with a warning; FIFOs always.
 *   <li>Counts and sizes are bounded by {@link ExtractLimits}.
 *   <li>xattrs from PAX {@code SCHILY.xattr.*}/{@code LIBARCHIVE.xattr.*} are applied, except
 *       {@code *.overlay.*}, which a layer must never smuggle in (it would steer overlayfs).
 * </ul>
 *
 * <p>Owners are set with lchown from {@link OwnerMapper}, and failure (EPERM) fails the layer.
 * Modes, including setuid/setgid/sticky, are applied exactly as the entry gives them, after the
 * owner. Directory modes and mtimes are applied at the end, deepest first.
 *
 * <p>Check-then-act is race-free here because the target is a private staging directory that
 * nothing else writes to while we extract; the adversary is the tar, not a concurrent process.
 */
public final class LayerExtractor {
  static final String WHITEOUT_PREFIX = ".wh.";
  static final String OPAQUE_MARKER = ".wh..wh..opq";

  private final WhiteoutStyle whiteoutStyle;

  public LayerExtractor(WhiteoutStyle whiteoutStyle) {
    this.whiteoutStyle = whiteoutStyle;
  }

  public WhiteoutStyle whiteoutStyle() {
    return whiteoutStyle;
  }

  /**
   * Extracts {@code uncompressedTar} into {@code targetDir}, which must be an existing directory
   * (not a symlink). On failure the directory is left partly written: callers extract into a
   * staging directory and delete it (see {@link FilesystemLayerStore}).
   */
  public ExtractResult extract(
      InputStream uncompressedTar, Path targetDir, OwnerMapper owners, ExtractLimits limits)
      throws IOException, LayerExtractionException {
    BasicFileAttributes rootAttrs =
        Files.readAttributes(targetDir, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
    if (!rootAttrs.isDirectory()) {
      throw new IOException("extraction target is not a directory: " + targetDir);
    }
    Run run = new Run(targetDir.toAbsolutePath(), owners, limits);
    TarArchiveInputStream tar = new TarArchiveInputStream(uncompressedTar);
    while (true) {
      TarArchiveEntry entry;
      try {
        entry = tar.getNextEntry();
      } catch (IOException e) {
        throw new LayerExtractionException(null, "corrupt or truncated layer tar: " + e.getMessage(), e);
      }
      if (entry == null) {
        break;
      }
      try {
        run.entry(tar, entry);
      } catch (IOException e) {
        throw new LayerExtractionException(entry.getName(), "cannot extract: " + e, e);
      }
    }
    uncompressedTar.transferTo(OutputStream.nullOutputStream());
    run.finish();
    if (!run.deferredOwners.isEmpty()) {
      owners.applyDeferred(run.root, List.copyOf(run.deferredOwners.values()));
    }
    return new ExtractResult(run.entries, run.bytes, run.warnings);
  }

  /** State of one extraction. */
  private final class Run {
    private final Path root;
    private final OwnerMapper owners;
    private final ExtractLimits limits;
    private final List<String> warnings = new ArrayList<>();
    private final Map<Path, TarArchiveEntry> deferredDirs = new LinkedHashMap<>();
    private final Map<Path, String> opaque = new HashMap<>();
    /** Owners the daemon could not set (rootless, subordinate IDs), by path, set after the layer. */
    private final Map<Path, OwnerMapper.Deferred> deferredOwners = new LinkedHashMap<>();
    private long entries;
    private long bytes;

    Run(Path root, OwnerMapper owners, ExtractLimits limits) {
      this.root = root;
      this.owners = owners;
      this.limits = limits;
    }

    void entry(TarArchiveInputStream tar, TarArchiveEntry e)
        throws IOException, LayerExtractionException {
      String name = e.getName();
      if (++entries > limits.maxEntries()) {
        throw new LayerExtractionException(name, "layer has more than " + limits.maxEntries() + " entries");
      }
      List<String> parts = components(name, name);
      if (parts.isEmpty()) {
        rootEntry(e);
        return;
      }
      String base = parts.get(parts.size() - 1);
      Path parent = parentDir(parts, name);
      if (base.startsWith(WHITEOUT_PREFIX)) {
        whiteout(parent, base, name);
        return;
      }
      Path path = parent.resolve(base);
      // Link types first: commons-compress calls any entry whose name ends in '/' a directory.
      if (e.isSymbolicLink()) {
        symlink(path, e);
      } else if (e.isLink()) {
        hardlink(path, e);
      } else if (e.isDirectory()) {
        directory(path, e);
      } else if (e.isCharacterDevice() || e.isBlockDevice() || e.isFIFO()) {
        special(path, e);
      } else if (e.isFile()) {
        regularFile(tar, path, e);
      } else {
        warnings.add("skipped entry \"" + name + "\" of unsupported type '" + (char) e.getLinkFlag() + "'");
      }
    }

    private void rootEntry(TarArchiveEntry e) throws LayerExtractionException, IOException {
      if (!e.isDirectory() || e.isSymbolicLink() || e.isLink()) {
        throw new LayerExtractionException(e.getName(), "names the layer root but is not a directory");
      }
      applyOwner(root, e);
      applyXattrs(root, e);
      deferredDirs.put(root, e);
    }

    /** Walks the parents without following links, creating missing ones. */
    private Path parentDir(List<String> parts, String entryName)
        throws IOException, LayerExtractionException {
      Path cur = root;
      for (int i = 0; i < parts.size() - 1; i++) {
        cur = cur.resolve(parts.get(i));
        BasicFileAttributes a = attrs(cur);
        if (a == null) {
          Files.createDirectory(cur);
          // as tar does: 0755 whatever the daemon's umask (skiffd runs with 077)
          Files.setAttribute(cur, "unix:mode", 0755, LinkOption.NOFOLLOW_LINKS);
          OwnerMapper.Ids ids = owners.map(0, 0);
          chown(cur, ids, entryName);
        } else if (a.isSymbolicLink()) {
          throw new LayerExtractionException(
              entryName, "parent \"" + root.relativize(cur) + "\" is a symlink; refusing to write through it");
        } else if (!a.isDirectory()) {
          throw new LayerExtractionException(
              entryName, "parent \"" + root.relativize(cur) + "\" is not a directory");
        }
      }
      return cur;
    }

    private void whiteout(Path parent, String base, String entryName)
        throws IOException, LayerExtractionException {
      if (base.equals(OPAQUE_MARKER)) {
        opaque.put(parent, "y");
        return;
      }
      String hidden = base.substring(WHITEOUT_PREFIX.length());
      if (hidden.startsWith(WHITEOUT_PREFIX)) {
        warnings.add("skipped AUFS metadata entry \"" + entryName + "\"");
        return;
      }
      if (hidden.isEmpty() || hidden.equals(".") || hidden.equals("..")) {
        throw new LayerExtractionException(entryName, "invalid whiteout name");
      }
      Path target = parent.resolve(hidden);
      if (attrs(target) != null) {
        // Present in this same layer: a whiteout only hides lower layers (OCI image spec).
        return;
      }
      if (whiteoutStyle == WhiteoutStyle.CHAR_DEVICE) {
        NativeFs.mknod(target, NativeFs.S_IFCHR, 0, 0, 0);
      } else {
        Files.newOutputStream(target, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE,
                LinkOption.NOFOLLOW_LINKS).close();
        NativeFs.lsetxattr(target, whiteoutStyle.whiteoutXattr(), "y");
        opaque.putIfAbsent(parent, "x");
      }
    }

    private void directory(Path path, TarArchiveEntry e) throws IOException, LayerExtractionException {
      BasicFileAttributes a = attrs(path);
      if (a == null || !a.isDirectory() || a.isSymbolicLink()) {
        removeExisting(path, a);
        Files.createDirectory(path);
      }
      applyOwner(path, e);
      applyXattrs(path, e);
      deferredDirs.put(path, e);
    }

    private void regularFile(TarArchiveInputStream tar, Path path, TarArchiveEntry e)
        throws IOException, LayerExtractionException {
      long size = e.getSize();
      if (size > limits.maxFileBytes()) {
        throw new LayerExtractionException(e.getName(),
            "file of " + size + " bytes exceeds the limit of " + limits.maxFileBytes() + " bytes");
      }
      if (bytes + size > limits.maxTotalBytes()) {
        throw new LayerExtractionException(e.getName(),
            "layer content exceeds the limit of " + limits.maxTotalBytes() + " bytes");
      }
      removeExisting(path, attrs(path));
      try (OutputStream out = Files.newOutputStream(path, StandardOpenOption.CREATE_NEW,
          StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS)) {
        long copied = copyEntry(tar, out, e.getName());
        if (copied != size) {
          throw new LayerExtractionException(e.getName(), "truncated: " + copied + " of " + size + " bytes");
        }
        bytes += copied;
      }
      applyOwner(path, e);
      applyMode(path, e);
      applyXattrs(path, e);
      setMtime(path, e);
    }

    private long copyEntry(InputStream tar, OutputStream out, String name) throws LayerExtractionException, IOException {
      byte[] buf = new byte[64 * 1024];
      long total = 0;
      while (true) {
        int n;
        try {
          n = tar.read(buf);
        } catch (IOException ex) {
          throw new LayerExtractionException(name, "corrupt or truncated layer tar: " + ex.getMessage(), ex);
        }
        if (n < 0) {
          return total;
        }
        out.write(buf, 0, n);
        total += n;
      }
    }

    private void symlink(Path path, TarArchiveEntry e) throws IOException, LayerExtractionException {
      String target = e.getLinkName();
      if (target.isEmpty() || target.indexOf('\0') >= 0) {
        throw new LayerExtractionException(e.getName(), "invalid symlink target");
      }
      removeExisting(path, attrs(path));
      Files.createSymbolicLink(path, path.getFileSystem().getPath(target));
      applyOwner(path, e);
      applyXattrs(path, e);
      setMtime(path, e);
    }

    private void hardlink(Path path, TarArchiveEntry e) throws IOException, LayerExtractionException {
      String name = e.getName();
      List<String> targetParts = components(e.getLinkName(), name);
      if (targetParts.isEmpty()) {
        throw new LayerExtractionException(name, "hardlink to the layer root");
      }
      Path target = existingPathNoFollow(targetParts, name);
      BasicFileAttributes ta = attrs(target);
      if (ta == null) {
        throw new LayerExtractionException(name,
            "hardlink target \"" + e.getLinkName() + "\" is not in this layer");
      }
      if (ta.isDirectory()) {
        throw new LayerExtractionException(name, "hardlink to a directory");
      }
      if (ta.isSymbolicLink() && symlinkEscapes(target)) {
        throw new LayerExtractionException(name,
            "hardlink target \"" + e.getLinkName() + "\" is a symlink leading outside the layer");
      }
      if (target.equals(path)) {
        return;
      }
      removeExisting(path, attrs(path));
      Files.createLink(path, target);
    }

    private void special(Path path, TarArchiveEntry e) throws IOException, LayerExtractionException {
      int type;
      if (e.isFIFO()) {
        type = NativeFs.S_IFIFO;
      } else if (!limits.allowDeviceNodes()) {
        warnings.add("skipped device node \"" + e.getName() + "\" (device nodes not allowed)");
        return;
      } else {
        type = e.isCharacterDevice() ? NativeFs.S_IFCHR : NativeFs.S_IFBLK;
      }
      removeExisting(path, attrs(path));
      NativeFs.mknod(path, type, e.getMode(), e.getDevMajor(), e.getDevMinor());
      applyOwner(path, e);
      NativeFs.chmod(path, e.getMode());
      applyXattrs(path, e);
      setMtime(path, e);
    }

    /** Resolves an existing path inside the layer; any symlinked parent is an error. */
    private Path existingPathNoFollow(List<String> parts, String entryName)
        throws IOException, LayerExtractionException {
      Path cur = root;
      for (int i = 0; i < parts.size(); i++) {
        cur = cur.resolve(parts.get(i));
        if (i == parts.size() - 1) {
          break;
        }
        BasicFileAttributes a = attrs(cur);
        if (a == null) {
          throw new LayerExtractionException(entryName,
              "hardlink target \"" + String.join("/", parts) + "\" is not in this layer");
        }
        if (a.isSymbolicLink() || !a.isDirectory()) {
          throw new LayerExtractionException(entryName,
              "hardlink target parent \"" + root.relativize(cur) + "\" is a symlink or not a directory");
        }
      }
      return cur;
    }

    /** A relative symlink whose target, resolved lexically from its directory, leaves the root. */
    private boolean symlinkEscapes(Path link) throws IOException {
      String target = Files.readSymbolicLink(link).toString();
      if (target.startsWith("/")) {
        return false; // resolved against the container's root at run time
      }
      int depth = root.relativize(link).getNameCount() - 1;
      for (String part : target.split("/")) {
        if (part.equals("..")) {
          depth--;
          if (depth < 0) {
            return true;
          }
        } else if (!part.isEmpty() && !part.equals(".")) {
          depth++;
        }
      }
      return false;
    }

    private void removeExisting(Path path, BasicFileAttributes a) throws IOException {
      if (a == null) {
        return;
      }
      if (a.isDirectory() && !a.isSymbolicLink()) {
        deleteTree(path);
        deferredDirs.keySet().removeIf(p -> p.startsWith(path));
        opaque.keySet().removeIf(p -> p.startsWith(path));
        deferredOwners.keySet().removeIf(p -> p.startsWith(path));
      } else {
        Files.delete(path);
        deferredOwners.remove(path);
      }
    }

    private void applyOwner(Path path, TarArchiveEntry e) throws LayerExtractionException {
      long uid = e.getLongUserId();
      long gid = e.getLongGroupId();
      if (uid < 0 || gid < 0 || uid > Integer.MAX_VALUE || gid > Integer.MAX_VALUE) {
        throw new LayerExtractionException(e.getName(), "owner " + uid + ":" + gid + " out of range");
      }
      OwnerMapper.Ids ids = owners.map((int) uid, (int) gid);
      try {
        chown(path, ids, e.getName());
      } catch (LayerExtractionException refused) {
        if (!owners.canDefer()) {
          throw refused;
        }
        // a rootless daemon cannot give files to its subordinate IDs itself: set them afterwards
        String rel = root.relativize(path).toString();
        deferredOwners.put(path, new OwnerMapper.Deferred(rel.isEmpty() ? "." : rel, (int) uid, (int) gid,
            e.isSymbolicLink() ? -1 : e.getMode() & 07777));
      }
    }

    private void chown(Path path, OwnerMapper.Ids ids, String entryName) throws LayerExtractionException {
      try {
        Files.setAttribute(path, "unix:uid", ids.uid(), LinkOption.NOFOLLOW_LINKS);
        Files.setAttribute(path, "unix:gid", ids.gid(), LinkOption.NOFOLLOW_LINKS);
      } catch (IOException ex) {
        String reason = ex instanceof FileSystemException fse && fse.getReason() != null
            ? fse.getReason() : ex.toString();
        throw new LayerExtractionException(entryName,
            "cannot set owner " + ids.uid() + ":" + ids.gid() + " (" + reason
                + "); the daemon must run in a user namespace that owns these ids", ex);
      }
    }

    private void applyMode(Path path, TarArchiveEntry e) throws IOException {
      Files.setAttribute(path, "unix:mode", e.getMode() & 07777, LinkOption.NOFOLLOW_LINKS);
    }

    private void setMtime(Path path, TarArchiveEntry e) {
      FileTime mtime = e.getLastModifiedTime();
      if (mtime == null) {
        return;
      }
      try {
        NativeFs.setMtimeNoFollow(path, mtime.toInstant());
      } catch (IOException ex) {
        warnings.add("could not set mtime of \"" + e.getName() + "\": " + ex.getMessage());
      }
    }

    private void applyXattrs(Path path, TarArchiveEntry e) {
      for (Map.Entry<String, String> h : e.getExtraPaxHeaders().entrySet()) {
        String key = h.getKey();
        String name;
        byte[] value;
        if (key.startsWith("SCHILY.xattr.")) {
          name = key.substring("SCHILY.xattr.".length());
          if (h.getValue().indexOf('\uFFFD') >= 0) {
            // commons-compress decodes PAX values as UTF-8; a binary value (security.capability)
            // cannot be recovered, and writing the mangled bytes would be worse than nothing.
            warnings.add("dropped binary xattr " + name + " of \"" + e.getName() + "\"");
            continue;
          }
          value = h.getValue().getBytes(StandardCharsets.UTF_8);
        } else if (key.startsWith("LIBARCHIVE.xattr.")) {
          name = java.net.URLDecoder.decode(key.substring("LIBARCHIVE.xattr.".length()), StandardCharsets.UTF_8);
          value = Base64.getDecoder().decode(h.getValue());
        } else {
          continue;
        }
        if (name.startsWith("trusted.overlay.") || name.startsWith("user.overlay.")) {
          warnings.add("dropped overlay xattr " + name + " of \"" + e.getName() + "\"");
          continue;
        }
        try {
          NativeFs.lsetxattr(path, name, value);
        } catch (IOException ex) {
          warnings.add("could not set xattr " + name + " on \"" + e.getName() + "\": " + ex.getMessage());
        }
      }
    }

    void finish() throws IOException {
      for (Map.Entry<Path, String> o : opaque.entrySet()) {
        BasicFileAttributes a = attrs(o.getKey());
        if (a != null && a.isDirectory() && !a.isSymbolicLink()) {
          NativeFs.lsetxattr(o.getKey(), whiteoutStyle.opaqueXattr(), o.getValue());
        }
      }
      List<Path> dirs = new ArrayList<>(deferredDirs.keySet());
      dirs.sort(Comparator.comparingInt(Path::getNameCount).reversed());
      for (Path dir : dirs) {
        TarArchiveEntry e = deferredDirs.get(dir);
        applyMode(dir, e);
        setMtime(dir, e);
      }
    }
  }

  /**
   * The components of a tar name made relative: leading {@code /}, empty and {@code .}
   * components dropped; {@code ..} or NUL rejected. Package-private for tests.
   */
  static List<String> components(String name, String entryName) throws LayerExtractionException {
    if (name.indexOf('\0') >= 0) {
      throw new LayerExtractionException(entryName, "name contains a NUL byte");
    }
    List<String> parts = new ArrayList<>();
    for (String part : name.split("/")) {
      if (part.isEmpty() || part.equals(".")) {
        continue;
      }
      if (part.equals("..")) {
        throw new LayerExtractionException(entryName, "path contains a \"..\" component");
      }
      parts.add(part);
    }
    return parts;
  }

  private static BasicFileAttributes attrs(Path p) throws IOException {
    try {
      return Files.readAttributes(p, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
    } catch (NoSuchFileException e) {
      return null;
    }
  }

  /** Deletes a tree without following symlinks. */
  public static void deleteTree(Path dir) throws IOException {
    if (attrsOrNull(dir) == null) {
      return;
    }
    Files.walkFileTree(dir, new java.nio.file.SimpleFileVisitor<>() {
      @Override
      public java.nio.file.FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
        Files.delete(file);
        return java.nio.file.FileVisitResult.CONTINUE;
      }

      @Override
      public java.nio.file.FileVisitResult postVisitDirectory(Path d, IOException exc) throws IOException {
        if (exc != null) {
          throw exc;
        }
        Files.delete(d);
        return java.nio.file.FileVisitResult.CONTINUE;
      }
    });
  }

  private static BasicFileAttributes attrsOrNull(Path p) {
    try {
      return attrs(p);
    } catch (IOException e) {
      return null;
    }
  }

}
