#!/usr/bin/env python3
"""Image throughput of a rootless skiffd: load (docker-archive) and pull (loopback registry).

Usage (as root; runs skiffd rootless as the test user on temporary directories):
    bench/images.py [--big-mb 200] [--user skifftest]

Builds the busybox test archive and a generated one-layer image of --big-mb MB of incompressible
files, loads each into a fresh skiffd (time, MB/s, daemon RSS before/after, peak RSS = VmHWM),
then pushes both into a loopback docker-registry with skopeo (gzip) and pulls them into another
fresh skiffd. Prints figures; not a test, it never fails a build.
"""
import argparse, hashlib, http.client, io, json, os, socket, subprocess, sys, tarfile, tempfile, time, urllib.parse

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import bench  # noqa: E402  (Daemon, Client, make_image, rss_kib)

ROOT = bench.ROOT


def status_kib(pid, key):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith(key + ":"):
                return int(line.split()[1])
    return 0


def big_image(out, mb):
    """A docker-archive whose one layer holds `mb` files of 1 MiB random bytes (gzip cannot shrink it)."""
    layer_path = out + ".layer"
    with tarfile.open(layer_path, "w", format=tarfile.PAX_FORMAT) as t:
        ti = tarfile.TarInfo("data"); ti.type = tarfile.DIRTYPE; ti.mode = 0o755; t.addfile(ti)
        for i in range(mb):
            data = os.urandom(1 << 20)
            ti = tarfile.TarInfo(f"data/f{i:04d}"); ti.size = len(data); ti.mode = 0o644
            t.addfile(ti, io.BytesIO(data))
    h = hashlib.sha256()
    with open(layer_path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    diff = h.hexdigest()
    cfg = json.dumps({"architecture": "amd64", "os": "linux", "config": {"Cmd": ["sh"]},
                      "rootfs": {"type": "layers", "diff_ids": ["sha256:" + diff]}}).encode()
    ch = hashlib.sha256(cfg).hexdigest()
    man = json.dumps([{"Config": ch + ".json", "RepoTags": ["localhost/bigimage:latest"],
                       "Layers": [diff + "/layer.tar"]}]).encode()
    with tarfile.open(out, "w") as t:
        for name, data in ((ch + ".json", cfg), ("manifest.json", man)):
            ti = tarfile.TarInfo(name); ti.size = len(data); ti.mode = 0o644; t.addfile(ti, io.BytesIO(data))
        t.add(layer_path, arcname=diff + "/layer.tar")
    os.remove(layer_path)
    os.chmod(out, 0o644)


def post_file(sock, path, file):
    """POSTs a file as the body (streamed from disk) and returns (status, body, seconds)."""
    conn = bench.UnixHTTP(sock, timeout=600)
    t0 = time.monotonic()
    with open(file, "rb") as f:
        conn.request("POST", "/v4.3.1/libpod" + path, body=f, headers={"Content-Length": str(os.path.getsize(file))})
        r = conn.getresponse()
        out = r.read()
    return r.status, out, time.monotonic() - t0


def pull(sock, ref):
    conn = bench.UnixHTTP(sock, timeout=600)
    t0 = time.monotonic()
    conn.request("POST", "/v4.3.1/libpod/images/pull?tlsVerify=false&policy=always&reference=" + urllib.parse.quote(ref, safe=""))
    r = conn.getresponse()
    lines = [json.loads(l) for l in r.read().decode().splitlines() if l.strip()]
    dt = time.monotonic() - t0
    if "error" in lines[-1]:
        raise RuntimeError(lines[-1]["error"])
    return dt


def list_images(sock, n):
    """Imports n distinct one-layer images (an empty rootfs, a different label each), then times the lists."""
    c = bench.Client(sock)
    empty = b"\0" * 1024
    t0 = time.monotonic()
    for i in range(n):
        q = urllib.parse.urlencode({"reference": f"localhost/many{i}:latest", "changes": f"LABEL n={i}"})
        c.req("POST", "/images/import?" + q, empty, expect=(200,))
    dt_import = time.monotonic() - t0
    times = []
    for _ in range(5):
        t0 = time.monotonic()
        st, out = c.req("GET", "/images/json", expect=(200,))
        times.append(time.monotonic() - t0)
    count = len(json.loads(out))
    return [(f"import {n} tiny images", f"{dt_import:.1f} s", f"{dt_import / n * 1000:.0f} ms each"),
            (f"list {count} images (median of 5)", f"{sorted(times)[2] * 1000:.0f} ms", "")]


def free_port():
    s = socket.socket(); s.bind(("127.0.0.1", 0)); p = s.getsockname()[1]; s.close()
    return p


def registry(workdir):
    port = free_port()
    cfg = os.path.join(workdir, "registry.yml")
    with open(cfg, "w") as f:
        f.write(f"version: 0.1\nlog:\n  level: warn\n  accesslog:\n    disabled: true\nstorage:\n  filesystem:\n"
                f"    rootdirectory: {workdir}/registry\nhttp:\n  addr: 127.0.0.1:{port}\n")
    proc = subprocess.Popen(["/usr/bin/docker-registry", "serve", cfg], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    for _ in range(100):
        if subprocess.run(["curl", "-s", "-o", "/dev/null", f"http://127.0.0.1:{port}/v2/"]).returncode == 0:
            return proc, f"127.0.0.1:{port}"
        time.sleep(0.1)
    raise RuntimeError("docker-registry did not start")


def blob_bytes(workdir):
    total = 0
    for d, _, files in os.walk(os.path.join(workdir, "registry")):
        total += sum(os.path.getsize(os.path.join(d, f)) for f in files if f == "data")
    return total


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--big-mb", type=int, default=200)
    ap.add_argument("--list", type=int, default=1000, help="images to import before timing the list (0: skip)")
    ap.add_argument("--user", default=os.environ.get("SKIFF_TEST_USER", "skifftest"))
    a = ap.parse_args()
    work = tempfile.mkdtemp(prefix="skiff-bench-images-", dir="/tmp")
    os.chmod(work, 0o755)
    prefix = os.path.join(work, "prefix")
    subprocess.run([os.path.join(ROOT, "scripts/install.sh"), prefix], check=True, stdout=subprocess.DEVNULL)
    small, big = os.path.join(work, "busybox.tar"), os.path.join(work, "big.tar")
    bench.make_image(small)
    big_image(big, a.big_mb)
    rows = []

    d = bench.Daemon("skiff", a.user)
    try:
        d.start(prefix)
        pid = d.pid()
        rss0 = bench.rss_kib(pid)
        for name, f in (("busybox", small), (f"{a.big_mb} MB", big)):
            st, out, dt = post_file(d.sock, "/images/load", f)
            if st != 200:
                raise RuntimeError(f"load {name}: {st} {out[:300]!r}")
            mb = os.path.getsize(f) / 1e6
            rows.append((f"load {name} ({mb:.1f} MB archive)", f"{dt:.2f} s", f"{mb / dt:.1f} MB/s"))
        rows.append(("daemon RSS before / after loads", f"{rss0 / 1024:.0f} MiB", f"{bench.rss_kib(pid) / 1024:.0f} MiB"))
        rows.append(("daemon peak RSS (VmHWM)", f"{status_kib(pid, 'VmHWM') / 1024:.0f} MiB", ""))
        if a.list:
            rows += list_images(d.sock, a.list)
    finally:
        d.stop()

    reg, host = registry(work)
    try:
        for src, dest in ((small, "busybox:latest"), (big, "big:latest")):
            subprocess.run(["skopeo", "copy", "--quiet", "--dest-tls-verify=false", "docker-archive:" + src,
                            f"docker://{host}/{dest}"], check=True)
        stored = blob_bytes(work) / 1e6
        d = bench.Daemon("skiff", a.user)
        try:
            d.start(prefix)
            pid = d.pid()
            rss0 = bench.rss_kib(pid)
            for name, ref in (("busybox", host + "/busybox:latest"), (f"{a.big_mb} MB", host + "/big:latest")):
                dt = pull(d.sock, ref)
                rows.append((f"pull {name} (loopback registry)", f"{dt:.2f} s", ""))
            rows.append(("pull throughput, both (gzip blobs in registry)", f"{stored:.1f} MB", ""))
            rows.append(("daemon RSS before / after pulls", f"{rss0 / 1024:.0f} MiB", f"{bench.rss_kib(pid) / 1024:.0f} MiB"))
            rows.append(("daemon peak RSS (VmHWM)", f"{status_kib(pid, 'VmHWM') / 1024:.0f} MiB", ""))
        finally:
            d.stop()
    finally:
        reg.terminate()
        reg.wait()
        subprocess.run(["rm", "-rf", work])
    for r in rows:
        print(f"{r[0]:50} {r[1]:>12} {r[2]:>12}")


if __name__ == "__main__":
    main()
