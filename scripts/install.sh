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
# stripped: the shim copies its loadable part into a sealed memfd at each start (CVE-2019-5736),
# and a smaller file is read faster; the build tree keeps the unstripped one
install -s -m 0755 "$src/src/main/native/skiff-shim" "$prefix/libexec/skiff/skiff-shim"
install -m 0755 "$src/scripts/find-java.sh" "$prefix/libexec/skiff/find-java.sh"
install -m 0644 "$src/systemd/skiff.service" "$prefix/share/skiff/systemd/skiff.service"

# sqlite-jdbc's native library, extracted once here instead of into a temp file at every start.
case "$(uname -m)" in x86_64) arch=x86_64 ;; aarch64) arch=aarch64 ;; *) arch="" ;; esac
sqlite_jar=$(ls "$prefix"/lib/skiffd/lib/main/org.xerial.sqlite-jdbc-*.jar 2>/dev/null | head -n1)
if [ -n "$arch" ] && [ -n "$sqlite_jar" ] && command -v unzip >/dev/null; then
  install -d -m 0755 "$prefix/lib/skiffd/native"
  if unzip -p "$sqlite_jar" "org/sqlite/native/Linux/$arch/libsqlitejdbc.so" > "$prefix/lib/skiffd/native/libsqlitejdbc.so" \
      && [ -s "$prefix/lib/skiffd/native/libsqlitejdbc.so" ]; then
    chmod 0644 "$prefix/lib/skiffd/native/libsqlitejdbc.so"
  else
    rm -rf "$prefix/lib/skiffd/native"
  fi
fi

# An AppCDS archive of the classes the daemon loads (start-up time and memory): a training run of
# the installed daemon on a temporary socket and root, stopped with SIGTERM, dumps it at exit.
# Best effort: without it skiffd starts as before. SKIFF_INSTALL_CDS=0 skips it.
make_cds_archive() {
  local java t pid i jsa="$prefix/lib/skiffd/skiffd.jsa"
  java=$(readlink -f "$("$prefix/libexec/skiff/find-java.sh")") || return 1
  t=$(mktemp -d /tmp/skiff-install-cds-XXXXXX) || return 1
  SKIFF_CDS=0 SKIFF_JAVA_OPTS="-XX:ArchiveClassesAtExit=$jsa" "$prefix/bin/skiffd" --socket "$t/s.sock" \
    --root "$t/root" --runroot "$t/run" > "$t/log" 2>&1 &
  pid=$!
  for i in $(seq 1 600); do
    [ -S "$t/s.sock" ] && break
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  if [ -S "$t/s.sock" ] && command -v curl >/dev/null; then
    for u in /_ping /v4.3.1/libpod/_ping /v4.3.1/libpod/version /v4.3.1/libpod/info /v1.41/info \
        '/v4.3.1/libpod/containers/json?all=true' /v4.3.1/libpod/containers/none/json /v4.3.1/libpod/images/json \
        /v1.41/containers/json /v4.3.1/libpod/volumes/json /metrics /q/health/ready; do
      curl -s -o /dev/null --max-time 10 --unix-socket "$t/s.sock" "http://d$u" || true
    done
  fi
  kill -TERM "$pid" 2>/dev/null
  wait "$pid" 2>/dev/null
  rm -rf "$t"
  [ -s "$jsa" ] || return 1
  chmod 0644 "$jsa"
  # -Xlog options that keep a stale archive (other jars, other JDK build) silent; `aot` is JDK 24+
  if "$java" -Xlog:cds=off -Xlog:aot=off -version > /dev/null 2>&1; then
    printf '%s\n%s\n' "$java" "-Xlog:cds=off -Xlog:aot=off" > "$jsa.java"
  else
    printf '%s\n%s\n' "$java" "-Xlog:cds=off" > "$jsa.java"
  fi
  chmod 0644 "$jsa.java"
}
if [ "${SKIFF_INSTALL_CDS:-1}" != 0 ]; then
  make_cds_archive || { rm -f "$prefix/lib/skiffd/skiffd.jsa" "$prefix/lib/skiffd/skiffd.jsa.java"; \
    echo "install: no start-up archive (the training run failed); skiffd works without it" >&2; }
fi
echo "installed into $prefix"
