#!/usr/bin/env bash
# Installs a JDK >= 21 on a Debian 12 host, where Debian itself ships only OpenJDK 17.
#
# Debian 13 (trixie) builds OpenJDK 25, but against glibc 2.41 (bookworm has 2.36). This script
# takes that JDK and trixie's glibc from Debian's own archive (downloaded with apt-get, so the
# Release signature and package checksums are checked against the host's Debian keyring), puts the
# glibc in a private directory beside the JDK and points the JDK's executables at it (ELF
# interpreter and RPATH, set with patchelf). Nothing outside DEST changes: the host's libc,
# apt sources and alternatives stay as they are; processes the JVM starts use the host's libc.
#
# Usage (root): scripts/install-jdk.sh [DEST]     DEST defaults to /opt/skiff/jdk
# Needs: apt-get, dpkg-deb, patchelf; /etc/ssl/certs/java/cacerts (Debian's ca-certificates-java)
# for TLS. An existing DEST is replaced only after the new one works.
set -euo pipefail

DEST=${1:-/opt/skiff/jdk}
SUITE=${SKIFF_JDK_SUITE:-trixie}
MIRROR=${SKIFF_JDK_MIRROR:-http://deb.debian.org/debian}
VERSION=${SKIFF_JDK_VERSION:-25}
ARCH=$(dpkg --print-architecture)
case "$ARCH" in
  amd64) triplet=x86_64-linux-gnu; loader=ld-linux-x86-64.so.2 ;;
  arm64) triplet=aarch64-linux-gnu; loader=ld-linux-aarch64.so.1 ;;
  *) echo "install-jdk: unsupported architecture $ARCH" >&2; exit 1 ;;
esac

[ "$(id -u)" = 0 ] || { echo "install-jdk: run as root: sudo $0 $*" >&2; exit 1; }
for c in apt-get dpkg-deb patchelf readelf; do
  command -v "$c" >/dev/null || { echo "install-jdk: missing $c; run: apt-get install -y patchelf binutils" >&2; exit 1; }
done

work=$(mktemp -d /var/tmp/skiff-jdk.XXXXXX)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/apt/lists/partial" "$work/apt/archives/partial" "$work/debs" "$work/root"
echo "deb $MIRROR $SUITE main" > "$work/apt/sources.list"
# A private apt configuration: the host's sources, lists and cache are not touched.
apt_opts=(-q -o "Dir::Etc::SourceList=$work/apt/sources.list" -o Dir::Etc::SourceParts=/dev/null
  -o "Dir::State::Lists=$work/apt/lists" -o "Dir::Cache::Archives=$work/apt/archives"
  -o Dir::Cache::pkgcache= -o Dir::Cache::srcpkgcache= -o APT::Get::List-Cleanup=0
  -o APT::Sandbox::User=root)
pkgs=("openjdk-$VERSION-jre-headless" "openjdk-$VERSION-jdk-headless" libc6)
echo "install-jdk: fetching ${pkgs[*]} from $SUITE"
apt-get "${apt_opts[@]}" update >"$work/update.log" 2>&1 || { cat "$work/update.log" >&2; exit 1; }
(cd "$work/debs" && apt-get "${apt_opts[@]}" download "${pkgs[@]}") >"$work/download.log" 2>&1 \
  || { cat "$work/download.log" >&2; exit 1; }
for d in "$work"/debs/*.deb; do dpkg-deb -x "$d" "$work/root"; done

src="$work/root/usr/lib/jvm/java-$VERSION-openjdk-$ARCH"
[ -x "$src/bin/java" ] || { echo "install-jdk: $src/bin/java missing in the packages" >&2; exit 1; }
new="$DEST.new"
rm -rf "$new"
mkdir -p "$(dirname "$DEST")"
cp -a "$src" "$new"
cp -a "$work/root/usr/lib/$triplet" "$new/glibc"
# Debian keeps the JDK's configuration in /etc/java-N-openjdk and links to it; the copy gets the
# files themselves. Links into the package's documentation and sources are dropped.
find "$new" -type l -print0 | while IFS= read -r -d '' l; do
  t=$(readlink "$l")
  case "$t" in
    /etc/java-"$VERSION"-openjdk/*) rm "$l"; cp -a "$work/root$t" "$l" ;;
    /etc/ssl/certs/java/cacerts) ;;  # the host's trust store (ca-certificates-java)
    *) [ -e "$l" ] || rm "$l" ;;
  esac
done
# Every ELF executable runs with the private loader, which finds the private libc first (RPATH of
# the executable applies to the whole process; the JDK's own libraries keep their $ORIGIN paths).
n=0
while IFS= read -r -d '' f; do
  readelf -l "$f" 2>/dev/null | grep -q 'Requesting program interpreter' || continue
  rp=$(patchelf --print-rpath "$f")
  patchelf --set-interpreter "$DEST/glibc/$loader" --force-rpath \
    --set-rpath "$DEST/glibc${rp:+:$rp}" "$f"
  n=$((n + 1))
done < <(find "$new/bin" "$new/lib" -maxdepth 1 -type f -perm -u+x -print0)
[ "$n" -gt 0 ] || { echo "install-jdk: no executables patched" >&2; exit 1; }
{
  echo "OpenJDK $VERSION from Debian $SUITE with a private glibc, made by Skiff's scripts/install-jdk.sh"
  for d in "$work"/debs/*.deb; do dpkg-deb -f "$d" Package Version | paste -sd' '; done
} > "$new/SKIFF-JDK"
chmod -R a+rX "$new"

# The paths written into the executables name DEST: move it in place, then check it there.
old=""
if [ -e "$DEST" ]; then old="$DEST.old.$$"; mv "$DEST" "$old"; fi
mv "$new" "$DEST"
if ! "$DEST/bin/java" -version >"$work/check.log" 2>&1 || ! "$DEST/bin/javac" -version >>"$work/check.log" 2>&1; then
  cat "$work/check.log" >&2
  rm -rf "$DEST"; [ -n "$old" ] && mv "$old" "$DEST"
  echo "install-jdk: the installed JDK does not run; $DEST left as it was" >&2
  exit 1
fi
[ -n "$old" ] && rm -rf "$old"
[ -e /etc/ssl/certs/java/cacerts ] || echo "install-jdk: warning: /etc/ssl/certs/java/cacerts missing (apt-get install ca-certificates-java): TLS from this JDK will fail" >&2
echo "install-jdk: $(head -n1 "$work/check.log") at $DEST ($n executables patched)"
