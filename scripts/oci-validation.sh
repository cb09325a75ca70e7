#!/bin/sh
# oci-validation.sh -- run the opencontainers runtime-tools validation suite against an OCI runtime.
#
#   scripts/oci-validation.sh [-t SECONDS] [-k] [-H] RUNTIME [PROGRAM...]     (as root)
#
# RUNTIME is a path or a command name (skiff-shim, runc, crun).  PROGRAMs are validation program
# names (state, kill, process_capabilities_fail...); default: all 58.  Prints one line per program
# ("ok NAME" or "not ok NAME (reason)") and a summary "RUNTIME: N passed, M failed of T".
# -t: per-program timeout (default 60 s).  -k: keep each program's TAP output in $CACHE/out/.
# -H: run in a private mount namespace where the controllers left on the cgroup v2 root of a
# hybrid host (here: hugetlb) are bound to v1 hierarchies; crun needs it on this VM.
#
# The suite is built once into $SKIFF_OCI_VALIDATION_CACHE (default /var/tmp/skiff-oci-validation),
# never into the repository.  Sources: Debian 12 packages the library half
# (golang-github-opencontainers-runtime-tools-dev) but not validation/ nor cmd/runtimetest, so the
# tree comes from $RUNTIME_TOOLS_SRC: a runtime-tools checkout or git directory (default: the local
# mirror /work/.mirror/opencontainers+runtime-tools/repo), at commit $RUNTIME_TOOLS_COMMIT (default
# 0105384, the commit Debian's 0.9.0+git20220423 package is cut from, so that Debian's golang-*-dev
# packages satisfy its imports).  Build needs: apt-get install golang-go
# golang-github-opencontainers-runtime-tools-dev (pulls the dependencies); GOPATH mode, no network.
#
# A program passes when it exits 0 within the timeout, prints no "not ok" line (skips are ok) and,
# if it has no test point at all (plan 1..0: the hook programs only ever report an error as a YAML
# diagnostic), prints no "error" diagnostic either.  `prove` would count those 1..0 runs as passed.
set -eu

usage="usage: $0 [-t SECONDS] [-k] [-H] RUNTIME [PROGRAM...]"
timeout=60
keep=0
hybrid=0
cache=${SKIFF_OCI_VALIDATION_CACHE:-/var/tmp/skiff-oci-validation}
while getopts t:kH opt; do
  case $opt in
    t) timeout=$OPTARG ;;
    k) keep=1 ;;
    H) hybrid=1 ;;
    *) echo "$usage" >&2; exit 2 ;;
  esac
done
if [ $hybrid -eq 1 ] && [ -z "${SKIFF_OCI_VALIDATION_UNSHARED:-}" ]; then
  # crun refuses a hybrid host whose cgroup v2 root still offers controllers ("drop all
  # controllers from cgroupv2"): in a private mount namespace, bind each of them to a v1
  # hierarchy for the run.  When the namespace ends (and no cgroup is left in them) they return
  # to v2.
  ctrls=$(cat /sys/fs/cgroup/unified/cgroup.controllers 2>/dev/null || true)
  export SKIFF_OCI_VALIDATION_UNSHARED=1
  mkdir -p "$cache/v1"
  exec unshare -m sh -c 'mount --make-rprivate / || exit 2
    for c in $1; do
      mkdir -p "$2/$c" && mount -t cgroup -o "$c" "skiff-$c" "$2/$c" || exit 2
    done
    shift 2
    exec "$@"' sh "$ctrls" "$cache/v1" "$0" "$@"
fi
shift $((OPTIND - 1))
[ $# -ge 1 ] || { echo "$usage" >&2; exit 2; }
runtime=$1
shift
case $runtime in
  /*) ;;
  */*) runtime=$(cd "$(dirname "$runtime")" && pwd)/$(basename "$runtime") ;;
  *) runtime=$(command -v "$runtime") || { echo "$0: runtime $1 not found" >&2; exit 2; } ;;
esac
[ -x "$runtime" ] || { echo "$0: $runtime is not executable" >&2; exit 2; }

src=${RUNTIME_TOOLS_SRC:-/work/.mirror/opencontainers+runtime-tools/repo}
commit=${RUNTIME_TOOLS_COMMIT:-0105384}
tree=$cache/gopath/src/github.com/opencontainers/runtime-tools

build() {
  command -v go >/dev/null || { echo "$0: no go; apt-get install golang-go golang-github-opencontainers-runtime-tools-dev" >&2; exit 2; }
  [ -d /usr/share/gocode/src/github.com/opencontainers/runtime-spec ] \
    || { echo "$0: apt-get install golang-github-opencontainers-runtime-tools-dev" >&2; exit 2; }
  rm -rf "$tree" "$cache/bin"
  mkdir -p "$(dirname "$tree")" "$cache/bin"
  if [ -d "$src/validation" ]; then
    cp -a "$src" "$tree"
  elif git -C "$src" rev-parse --git-dir >/dev/null 2>&1; then
    git -C "$src" archive --prefix=runtime-tools/ "$commit" | tar -x -C "$(dirname "$tree")"
  else
    echo "$0: no runtime-tools sources at $src (set RUNTIME_TOOLS_SRC)" >&2
    exit 2
  fi
  export GO111MODULE=off GOPATH="$cache/gopath:/usr/share/gocode" GOCACHE="$cache/gocache" GOFLAGS=
  cd "$tree"
  echo "# building runtimetest and the validation programs into $cache/bin" >&2
  CGO_ENABLED=0 go build -tags netgo -ldflags '-extldflags -static' -o "$cache/bin/runtimetest" ./cmd/runtimetest
  for d in validation/*/; do
    n=$(basename "$d")
    [ "$n" = util ] && continue
    go build -o "$cache/bin/$n.t" "./validation/$n"
  done
  cp rootfs-amd64.tar.gz "$cache/bin/"
  ls validation | grep -vx util > "$cache/bin/programs"
  cd - >/dev/null
}

[ -s "$cache/bin/programs" ] || build

[ $# -gt 0 ] || set -- $(cat "$cache/bin/programs")
total=$#
passed=0
failed=0
failures=
name=$(basename "$runtime")
mkdir -p "$cache/out"
for prog in "$@"; do
  [ -x "$cache/bin/$prog.t" ] || { echo "$0: no program $prog" >&2; exit 2; }
  out=$cache/out/$name.$prog.tap
  rc=0
  # each program untars the rootfs and copies runtimetest from its working directory; in its own
  # mount namespace, so that a container without one (linux_ns_itype) mounts nothing on the host
  (cd "$cache/bin" && RUNTIME=$runtime timeout -k 5 "$timeout" unshare -m --propagation private "./$prog.t") \
    > "$out" 2>&1 || rc=$?
  if [ $rc -eq 0 ] && ! grep -q '^not ok' "$out" \
    && { grep -q '^ok' "$out" || ! grep -q '^ *"error":' "$out"; }; then
    passed=$((passed + 1))
    echo "ok $prog"
  else
    failed=$((failed + 1))
    failures="$failures $prog"
    if [ $rc -eq 124 ] || [ $rc -eq 137 ]; then
      reason="timeout after ${timeout}s"
    elif grep -q '^not ok' "$out"; then
      reason=$(grep '^not ok' "$out" | head -1 | cut -c1-120)
    elif [ $rc -eq 0 ]; then
      reason="an error diagnostic and no test point: $(sed -n 's/^ *"\(stderr\|error\)": "\([^\\"]*\).*/\2/p' "$out" | tail -1 | cut -c1-100)"
    else
      reason="exit $rc: $(tail -1 "$out" | cut -c1-100)"
    fi
    printf '%s\n' "not ok $prog ($reason)"
  fi
  [ $keep -eq 1 ] || rm -f "$out"
done
echo "$name: $passed passed, $failed failed of $total"
[ -z "$failures" ] || echo "$name failed:$failures"
