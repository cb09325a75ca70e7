#!/usr/bin/env bash
# Builds an OCI image of skiffd for the helm/skiff chart, from Debian packages and this tree's
# `make build` output (no base image, no registry):
#   - a Debian 12 minbase root (debootstrap from the Debian mirror) with bash, curl (the chart's
#     probes), uidmap, libseccomp2, libjson-c5, ca-certificates;
#   - a Java runtime made with jlink (all modules, no debug data) from the JDK that builds Skiff
#     (>= 21), at /usr/lib/jvm/skiff-jre;
#   - `scripts/install.sh /usr/local` (bin/skiffd, lib/skiffd/, libexec/skiff/skiff-shim) without
#     the class-data archive (it is tied to the JDK path of the machine that records it).
# Output: OUT/rootfs (the unpacked image; helm/test/pod_sim.py --image runs it) and
# OUT/skiffd-oci.tar (an oci-archive: `skopeo copy oci-archive:OUT/skiffd-oci.tar docker://REG/skiffd:TAG`,
# or `ctr -n k8s.io images import OUT/skiffd-oci.tar` on a node).
#
#   helm/image/build.sh OUT [TAG]          (as root, after `make build`; needs debootstrap, python3)
#
# The shim is the one `make build` compiled on this machine: build on Debian 12 (the image's libc).
set -euo pipefail
out=${1:?usage: build.sh OUT [TAG]}
tag=${2:-0.1.0}
src=$(cd "$(dirname "$0")/../.." && pwd)
mirror=${DEBIAN_MIRROR:-http://deb.debian.org/debian}

[ "$(id -u)" = 0 ] || { echo "build.sh: run as root (debootstrap)" >&2; exit 1; }
[ -f "$src/target/quarkus-app/quarkus-run.jar" ] && [ -x "$src/src/main/native/skiff-shim" ] \
  || { echo "build.sh: not built: run make build in $src" >&2; exit 1; }
java=$("$src/scripts/find-java.sh")
jdk=$(dirname "$(dirname "$(readlink -f "$java")")")
[ -x "$jdk/bin/jlink" ] || { echo "build.sh: $jdk has no jlink (a JDK, not a JRE, is needed)" >&2; exit 1; }
grep -q 'VERSION_ID="12"' /etc/os-release \
  || echo "build.sh: warning: this is not Debian 12; the shim is linked against this machine's libraries" >&2

mkdir -p "$out"
root="$out/rootfs"
if [ ! -x "$root/usr/bin/curl" ]; then
  rm -rf "$root"
  debootstrap --variant=minbase --include=bash,curl,uidmap,libseccomp2,libjson-c5,ca-certificates \
    bookworm "$root" "$mirror"
fi

rm -rf "$root/usr/lib/jvm/skiff-jre"
mkdir -p "$root/usr/lib/jvm"
# every module of the JDK: the daemon and its libraries reach for JDK modules by reflection and
# service loading (a java.se-only runtime failed at start: com.sun.security.auth.module.UnixSystem)
modules=$("$jdk/bin/java" --list-modules | sed 's/@.*//' | grep -vx 'jdk.jlink\|jdk.jpackage' | paste -sd, -)
"$jdk/bin/jlink" --add-modules "$modules" \
  --strip-debug --no-header-files --no-man-pages --output "$root/usr/lib/jvm/skiff-jre"

SKIFF_INSTALL_CDS=0 "$src/scripts/install.sh" "$root/usr/local"
# mount points of the chart's volumes; nothing of the build machine's state
mkdir -p "$root/run/skiff" "$root/var/lib/skiff" "$root/host/etc"
rm -rf "$root"/var/cache/apt/archives/*.deb "$root"/var/lib/apt/lists/* "$root"/tmp/*

python3 - "$root" "$out/skiffd-oci.tar" "$tag" <<'EOF'
import hashlib, io, json, os, sys, tarfile
root, archive, tag = sys.argv[1:]
layer_file = archive + ".layer"
with tarfile.open(layer_file, mode="w", format=tarfile.PAX_FORMAT) as t:
    for name in sorted(os.listdir(root)):
        t.add(os.path.join(root, name), arcname=name)
def sha256_file(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()
layer_hex, layer_size = sha256_file(layer_file), os.path.getsize(layer_file)
config = json.dumps({
    "architecture": "amd64", "os": "linux",
    "config": {"Entrypoint": ["/usr/local/bin/skiffd"],
               "Env": ["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
                       "JAVA_HOME=/usr/lib/jvm/skiff-jre"],
               "Labels": {"org.opencontainers.image.title": "skiffd", "org.opencontainers.image.version": tag}},
    "rootfs": {"type": "layers", "diff_ids": ["sha256:" + layer_hex]}}).encode()
def desc(media, data):
    return {"mediaType": media, "digest": "sha256:" + hashlib.sha256(data).hexdigest(), "size": len(data)}
manifest = json.dumps({"schemaVersion": 2, "mediaType": "application/vnd.oci.image.manifest.v1+json",
                       "config": desc("application/vnd.oci.image.config.v1+json", config),
                       "layers": [{"mediaType": "application/vnd.oci.image.layer.v1.tar",
                                   "digest": "sha256:" + layer_hex, "size": layer_size}]}).encode()
mdesc = desc("application/vnd.oci.image.manifest.v1+json", manifest)
mdesc["annotations"] = {"org.opencontainers.image.ref.name": tag}
index = json.dumps({"schemaVersion": 2, "manifests": [mdesc]}).encode()
with tarfile.open(archive, "w") as t:
    def put(name, data):
        info = tarfile.TarInfo(name)
        info.size = len(data)
        t.addfile(info, io.BytesIO(data))
    put("oci-layout", b'{"imageLayoutVersion":"1.0.0"}')
    put("index.json", index)
    put("blobs/sha256/" + hashlib.sha256(config).hexdigest(), config)
    put("blobs/sha256/" + hashlib.sha256(manifest).hexdigest(), manifest)
    t.add(layer_file, arcname="blobs/sha256/" + layer_hex)
os.remove(layer_file)
print("%s: %d MB, tag %s" % (archive, os.path.getsize(archive) // 2**20, tag))
EOF
