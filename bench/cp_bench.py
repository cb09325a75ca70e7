#!/usr/bin/env python3
"""Copying a 50 MB file into and out of a container: Skiff beside Podman's service (rootless).

Usage (as root; starts both daemons rootless as the test user, as bench/bench.py does):
    bench/cp_bench.py [--n 5] [--mb 50] [--only skiff|podman]

Per engine, median and p90 of N runs, in ms:
  - API PUT  /containers/{id}/archive?path=/tmp  (a tar holding one MB-sized file), running container
  - API GET  /containers/{id}/archive?path=/tmp/big.bin  (read to the end), running container
  - API PUT  and GET on a stopped (exited) container
  - podman --remote cp host->container and container->host (the CLI end to end, running container)
Podman's service runs with runc and netns none (bench/bench.py's containers.conf). Not a test.
"""
import argparse, io, os, statistics, subprocess, sys, tarfile, tempfile, time, json, shutil, pwd

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from bench import Client, Daemon, prepare, load_image, pct  # noqa: E402


def big_tar(mb):
    data = os.urandom(mb * 1024 * 1024)
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w", format=tarfile.PAX_FORMAT) as t:
        ti = tarfile.TarInfo("big.bin")
        ti.size = len(data)
        ti.mode = 0o644
        t.addfile(ti, io.BytesIO(data))
    return buf.getvalue(), data


def run_ok(cmd):
    r = subprocess.run(cmd, capture_output=True, text=True)
    if r.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd[-3:])}: exit {r.returncode}: {r.stderr.strip()}")


def timed(fn):
    t0 = time.perf_counter()
    fn()
    return (time.perf_counter() - t0) * 1000


def container(c, image, cmd):
    body = {"image": image, "command": cmd, "netns": {"nsmode": "none"}}
    _, out = c.req("POST", "/containers/create", body, expect=(201,))
    cid = json.loads(out)["Id"]
    c.req("POST", f"/containers/{cid}/start", expect=(204,))
    return cid


def measure(d, archive, n, mb, user):
    c = Client(d.sock)
    image = load_image(c, archive)
    tar, data = big_tar(mb)
    r = {}
    run = container(c, image, ["sleep", "1000"])
    stopped = container(c, image, ["true"])
    c.req("POST", f"/containers/{stopped}/wait?condition=exited", expect=(200,))
    for label, cid in (("running", run), ("stopped", stopped)):
        put, get = [], []
        for _ in range(n):
            put.append(timed(lambda: c.req("PUT", f"/containers/{cid}/archive?path=/tmp", tar, expect=(200,))))

            def read():
                _, out = c.req("GET", f"/containers/{cid}/archive?path=/tmp/big.bin", expect=(200,))
                with tarfile.open(fileobj=io.BytesIO(out)) as t:
                    assert t.extractfile("big.bin").read() == data
            get.append(timed(read))
        r[f"API PUT {mb} MB, {label} (ms)"] = put
        r[f"API GET {mb} MB, {label} (ms)"] = get
    # the CLI end to end, as the daemon's user
    pw = pwd.getpwnam(user)
    work = tempfile.mkdtemp(prefix="skiff-cp-bench-", dir="/tmp")
    os.chown(work, pw.pw_uid, pw.pw_gid)
    src = os.path.join(work, "big.bin")
    with open(src, "wb") as f:
        f.write(data)
    os.chown(src, pw.pw_uid, pw.pw_gid)
    podman = ["runuser", "-u", user, "--"] + d.env + ["podman", "--remote", "--url", "unix://" + d.sock]
    cin, cout = [], []
    for i in range(n):
        cin.append(timed(lambda: run_ok(podman + ["cp", src, f"{run}:/tmp/cli.bin"])))
        dst = os.path.join(work, f"out{i}.bin")
        cout.append(timed(lambda: run_ok(podman + ["cp", f"{run}:/tmp/cli.bin", dst])))
        assert os.path.getsize(dst) == len(data)
        os.unlink(dst)
    r[f"podman cp in {mb} MB (ms)"] = cin
    r[f"podman cp out {mb} MB (ms)"] = cout
    shutil.rmtree(work, ignore_errors=True)
    c.req("DELETE", f"/containers/{run}?force=true&timeout=0")
    c.req("DELETE", f"/containers/{stopped}?force=true")
    return r


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=5)
    ap.add_argument("--mb", type=int, default=50)
    ap.add_argument("--only", choices=["skiff", "podman"])
    ap.add_argument("--user", default=os.environ.get("SKIFF_TEST_USER", "skifftest"))
    a = ap.parse_args()
    prefix, archive, kinds = prepare(a.only)
    results = {}
    for kind in kinds:
        d = Daemon(kind, a.user)
        try:
            d.start(prefix)
            results[kind] = measure(d, archive, a.n, a.mb, a.user)
        finally:
            d.stop()
    shutil.rmtree(prefix, ignore_errors=True)
    metrics = []
    for k in kinds:
        metrics += [m for m in results[k] if m not in metrics]
    print(f"{'metric':34} {'Skiff med/p90':>18} {'Podman med/p90':>18} {'ratio':>7}   (runs)")
    for m in metrics:
        cells, meds = [], []
        for k in ("skiff", "podman"):
            v = results.get(k, {}).get(m)
            meds.append(statistics.median(v) if v else None)
            cells.append(f"{statistics.median(v):9.1f}/{pct(v, 90):8.1f}" if v else f"{'-':>18}")
        ratio = f"{meds[0] / meds[1]:7.2f}" if None not in meds and meds[1] else f"{'-':>7}"
        print(f"{m:34} {cells[0]:>18} {cells[1]:>18} {ratio}   ({a.n})")


if __name__ == "__main__":
    main()
