#!/usr/bin/env bash
# Prepares a Debian 12 host for building and testing Skiff.
#   As root: installs missing packages with apt-get, creates the unprivileged test user
#   (skifftest, with a subordinate UID/GID range) and makes /dev/net/tun usable for rootless tests.
#   As any other user: prints the exact `sudo ...` lines for whatever is missing and fails.
# Usage: scripts/setup-host.sh [build|test]   (build: what compiling needs; test: also the peers)
set -euo pipefail

mode=${1:-test}
BUILD_PKGS=(gcc libc6-dev make pkg-config libseccomp-dev libjson-c-dev maven)
RUN_PKGS=(uidmap slirp4netns procps)
TEST_PKGS=(busybox-static podman runc crun skopeo docker-registry socat curl tmux iproute2 python3 systemd openssl)
TEST_USER=${SKIFF_TEST_USER:-skifftest}
TEST_SUBID_START=${SKIFF_TEST_SUBID_START:-1000000}
TEST_SUBID_COUNT=${SKIFF_TEST_SUBID_COUNT:-131072}

pkgs=("${BUILD_PKGS[@]}" "${RUN_PKGS[@]}")
[ "$mode" = test ] && pkgs+=("${TEST_PKGS[@]}")

missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done

# A JDK >= 21: the launcher scripts look for one. Where Debian ships one (13 and later) it is
# installed with apt-get; Debian 12 ships only 17, so scripts/install-jdk.sh builds /opt/skiff/jdk
# from Debian 13's OpenJDK 25 and glibc (see that script), after the packages it needs.
jdk_ok=0 jdk_private=0
if SKIFF_QUIET=1 "$(dirname "$0")/find-java.sh" >/dev/null 2>&1; then jdk_ok=1; fi
if [ $jdk_ok = 0 ]; then
  jdk_pkg=""
  for v in 25 21; do
    if apt-cache show "openjdk-$v-jdk-headless" >/dev/null 2>&1; then jdk_pkg=openjdk-$v-jdk-headless; break; fi
  done
  if [ -n "$jdk_pkg" ]; then missing+=("$jdk_pkg")
  else
    jdk_private=1
    for p in patchelf binutils ca-certificates-java; do
      dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
    done
  fi
fi

# The docker CLI drives the Docker-compatible API in the tests. The reference machines have one;
# elsewhere Debian's docker.io provides it (its own daemon is not wanted: stopped and disabled).
need_docker=0
if [ "$mode" = test ] && ! command -v docker >/dev/null 2>&1; then need_docker=1; fi

if [ "$(id -u)" != 0 ]; then
  fail=0
  if [ $need_docker = 1 ]; then
    echo "missing docker CLI; run: sudo apt-get install -y --no-install-recommends docker.io" >&2; fail=1
  fi
  if [ ${#missing[@]} -gt 0 ]; then
    echo "missing packages; run: sudo apt-get install -y ${missing[*]}" >&2; fail=1
  fi
  if [ $jdk_private = 1 ]; then
    echo "missing a JDK >= 21 (Debian 12 has none); run: sudo $(dirname "$0")/install-jdk.sh" >&2; fail=1
  fi
  if [ "$mode" = test ] && ! getent passwd "$TEST_USER" >/dev/null; then
    echo "missing test user; run: sudo $0 test" >&2; fail=1
  fi
  exit $fail
fi

if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -q
  apt-get install -y -q --no-install-recommends "${missing[@]}"
fi
if [ $jdk_private = 1 ]; then
  echo "setup: no JDK >= 21 in this Debian release: installing OpenJDK 25 from Debian 13 into /opt/skiff/jdk"
  "$(dirname "$0")/install-jdk.sh" /opt/skiff/jdk
fi
if [ $need_docker = 1 ]; then
  echo "setup: installing the docker CLI (docker.io; its daemon is disabled)"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -q
  apt-get install -y -q --no-install-recommends docker.io
  systemctl disable --now docker.service docker.socket >/dev/null 2>&1 || true
fi

if [ "$mode" = test ]; then
  if ! getent passwd "$TEST_USER" >/dev/null; then
    echo "setup: creating test user $TEST_USER"
    useradd --create-home --shell /bin/bash "$TEST_USER"
  fi
  for f in /etc/subuid /etc/subgid; do
    touch "$f"
    if ! grep -q "^$TEST_USER:" "$f"; then
      echo "$TEST_USER:$TEST_SUBID_START:$TEST_SUBID_COUNT" >> "$f"
    fi
  done
  # The test user's runtime dir (what systemd-logind would make), for XDG_RUNTIME_DIR.
  uid=$(id -u "$TEST_USER")
  install -d -m 0700 -o "$TEST_USER" -g "$TEST_USER" "/run/user/$uid"
  # rootless slirp4netns needs /dev/net/tun; it is 0600 on this VM.
  [ -e /dev/net/tun ] && chmod 0666 /dev/net/tun || true
fi
echo "setup: ok"
