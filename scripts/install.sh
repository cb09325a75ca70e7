#!/usr/bin/env bash
# Installs a built Skiff into PREFIX: bin/skiffd, lib/skiffd/ (the Quarkus app),
# libexec/skiff/ (skiff-shim, find-java.sh), share/skiff/systemd/. Files are world-readable so
# that any user can run the daemon (the integration tests install to /tmp for the test user).
set -euo pipefail
prefix=${1:?usage: install.sh PREFIX}
src=$(cd "$(dirname "$0")/.." && pwd)
[ -f "$src/target/quarkus-app/quarkus-run.jar" ] || { echo "install: not built; run make build" >&2; exit 1; }
[ -x "$src/src/main/native/skiff-shim" ] || { echo "install: skiff-shim not built; run make build" >&2; exit 1; }
install -d -m 0755 "$prefix/bin" "$prefix/lib/skiffd" "$prefix/libexec/skiff" "$prefix/share/skiff/systemd"
rm -rf "$prefix/lib/skiffd"
cp -r "$src/target/quarkus-app" "$prefix/lib/skiffd"
chmod -R a+rX "$prefix/lib/skiffd"
install -m 0755 "$src/bin/skiffd" "$prefix/bin/skiffd"
install -m 0755 "$src/src/main/native/skiff-shim" "$prefix/libexec/skiff/skiff-shim"
install -m 0755 "$src/scripts/find-java.sh" "$prefix/libexec/skiff/find-java.sh"
install -m 0644 "$src/systemd/skiff.service" "$prefix/share/skiff/systemd/skiff.service"
echo "installed into $prefix"
