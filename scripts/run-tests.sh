#!/usr/bin/env bash
# `make test`: the whole suite. Java unit tests and the integration tests (real skiffd processes,
# rootless as the test user and as root, on temporary sockets), then the native shim tests.
# Ends with one summary line "N passed, M failed" and a non-zero exit if anything failed.
set -uo pipefail
cd "$(dirname "$0")/.."
java=$(scripts/find-java.sh) || exit 1
export JAVA_HOME=$(dirname "$(dirname "$java")")
commit=$(git rev-parse --short=12 HEAD 2>/dev/null || echo unknown)
status=0

echo "== Java: unit and integration tests (mvn verify -Pit)"
mvn -B -q -Pit -Dskiff.git.commit="$commit" verify || status=1

echo "== native: skiff-shim tests (make -C src/main/native check)"
native_out=$(mktemp)
make --no-print-directory -C src/main/native check 2>&1 | tee "$native_out"
[ "${PIPESTATUS[0]}" = 0 ] || status=1

# One summary over both suites.
read -r jp jf < <(python3 - <<'PY'
import glob, xml.etree.ElementTree as ET
p = f = 0
for path in glob.glob("target/surefire-reports/TEST-*.xml") + glob.glob("target/failsafe-reports/TEST-*.xml"):
    s = ET.parse(path).getroot()
    t, fl, er, sk = (int(s.get(k, 0)) for k in ("tests", "failures", "errors", "skipped"))
    p += t - fl - er - sk; f += fl + er
print(p, f)
PY
)
np=$(grep -Eo '^[0-9]+ passed, [0-9]+ failed' "$native_out" | tail -n1 | awk '{print $1}')
nf=$(grep -Eo '^[0-9]+ passed, [0-9]+ failed' "$native_out" | tail -n1 | awk '{print $3}')
rm -f "$native_out"
np=${np:-0} nf=${nf:-0}
echo "java: $jp passed, $jf failed; native: $np passed, $nf failed"
[ $((jf + nf)) = 0 ] || status=1
echo "$((jp + np)) passed, $((jf + nf)) failed"
exit $status
