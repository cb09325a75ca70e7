#!/usr/bin/env bash
# Prints the path of a `java` binary of version >= 21, or fails with a message saying how to get one.
# Looks at $SKIFF_JAVA_HOME, $JAVA_HOME, /usr/lib/jvm/*, /opt/skiff/jdk (scripts/install-jdk.sh),
# then `java` on PATH.
set -u
want=21
# The JDK's `release` file names its version without starting a JVM (each start costs ~0.1-0.3 s,
# paid on every daemon start); a java without one is asked directly.
version_of() {
  local home v
  home=$(dirname "$(dirname "$(readlink -f "$1")")")
  v=$(sed -n 's/^JAVA_VERSION="\([0-9][0-9]*\).*/\1/p' "$home/release" 2>/dev/null | head -n1)
  if [ -z "$v" ]; then
    v=$("$1" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p' | head -n1)
  fi
  echo "$v"
}
candidates=()
[ -n "${SKIFF_JAVA_HOME:-}" ] && candidates+=("$SKIFF_JAVA_HOME/bin/java")
[ -n "${JAVA_HOME:-}" ] && candidates+=("$JAVA_HOME/bin/java")
for d in /usr/lib/jvm/* /opt/skiff/jdk; do [ -x "$d/bin/java" ] && candidates+=("$d/bin/java"); done
command -v java >/dev/null 2>&1 && candidates+=("$(command -v java)")
best="" bestv=0
for j in "${candidates[@]}"; do
  [ -x "$j" ] || continue
  v=$(version_of "$j"); v=${v%%.*}
  [[ "$v" =~ ^[0-9]+$ ]] || continue
  if [ "$v" -ge "$want" ] && [ "$v" -gt "$bestv" ]; then best=$j; bestv=$v; fi
done
if [ -z "$best" ]; then
  [ -n "${SKIFF_QUIET:-}" ] || echo "skiff: no JDK >= $want found (looked at \$SKIFF_JAVA_HOME, \$JAVA_HOME, /usr/lib/jvm/*, /opt/skiff/jdk, PATH); install one: sudo apt-get install -y openjdk-21-jdk-headless, or on Debian 12: sudo scripts/install-jdk.sh" >&2
  exit 1
fi
echo "$best"
