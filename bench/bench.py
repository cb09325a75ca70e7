#!/usr/bin/env python3
"""Skiff beside Podman's service: the same libpod requests over each unix socket, one run, ratios.

Usage (as root; starts both daemons rootless as the test user, on temporary sockets):
    bench/bench.py [--n 50] [--quick] [--only skiff]

Prints one table: metric, Skiff, Podman, ratio (Skiff/Podman; < 1 means Skiff is faster/smaller).
Median and p90 over N runs where the metric is a latency. Not a test: it never fails a build.
`_ping keep-alive` goes through http.client (~0.15 ms of Python per request on the reference VM);
`_ping, raw socket client` is the same request from a minimal client: the servers' own share.
SKIFF_JAVA_OPTS in the environment is passed to skiffd, e.g. to profile a run with JFR:
    SKIFF_JAVA_OPTS=-XX:StartFlightRecording=filename=/tmp/jfr/skiffd.jfr,settings=profile bench/bench.py --only skiff
(the directory must be writable by the test user); then `jfr print --stack-depth 64 --events
jdk.ExecutionSample /tmp/jfr/skiffd.jfr`.
"""
import argparse, http.client, json, os, pwd, socket, statistics, subprocess, sys, tempfile, time, shutil

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


class UnixHTTP(http.client.HTTPConnection):
    """HTTP/1.1 keep-alive connection over a unix socket (no process per request)."""

    def __init__(self, path, timeout=120):
        super().__init__("d", timeout=timeout)
        self.sock_path = path

    def connect(self):
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        s.settimeout(self.timeout)
        s.connect(self.sock_path)
        self.sock = s


class Client:
    def __init__(self, sock):
        self.sock = sock
        self.conn = UnixHTTP(sock)

    def req(self, method, path, body=None, expect=None):
        data = None if body is None else (body if isinstance(body, bytes) else json.dumps(body).encode())
        for attempt in (1, 2):
            try:
                self.conn.request(method, "/v4.3.1/libpod" + path, body=data)
                r = self.conn.getresponse()
                out = r.read()
                break
            except (ConnectionError, http.client.HTTPException):
                self.conn.close()
                self.conn = UnixHTTP(self.sock)
                if attempt == 2:
                    raise
        if expect and r.status not in expect:
            raise RuntimeError(f"{method} {path}: {r.status} {out[:300]!r}")
        return r.status, out


def pct(xs, p):
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(round(p / 100 * (len(xs) - 1))))]


def rss_kib(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def pss_kib(pid):
    try:
        with open(f"/proc/{pid}/smaps_rollup") as f:
            for line in f:
                if line.startswith("Pss:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def uss_kib(pid):
    """Private_Clean + Private_Dirty: what the process alone holds."""
    try:
        with open(f"/proc/{pid}/smaps_rollup") as f:
            return sum(int(l.split()[1]) for l in f if l.startswith(("Private_Clean:", "Private_Dirty:")))
    except OSError:
        return 0


class Daemon:
    """A daemon run rootless as the test user, on a private directory."""

    def __init__(self, kind, user):
        self.kind, self.user = kind, user
        pw = pwd.getpwnam(user)
        self.uid = pw.pw_uid
        self.dir = tempfile.mkdtemp(prefix=f"skiff-bench-{kind}-", dir="/tmp")
        os.chown(self.dir, pw.pw_uid, pw.pw_gid)
        self.sock = os.path.join(self.dir, "api.sock")
        self.env = ["env", "-i", f"HOME={pw.pw_dir}", f"USER={user}", "PATH=/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin",
                    f"XDG_RUNTIME_DIR=/run/user/{pw.pw_uid}"]
        if kind == "skiff" and os.environ.get("SKIFF_JAVA_OPTS"):  # e.g. a JFR recording for profiling
            self.env.append("SKIFF_JAVA_OPTS=" + os.environ["SKIFF_JAVA_OPTS"])
        self.proc = None

    def command(self):
        if self.kind == "skiff":
            return [os.path.join(self.prefix, "bin/skiffd"), "--socket", self.sock, "--root", self.dir + "/root",
                    "--runroot", self.dir + "/run"]
        conf = os.path.join(self.dir, "containers.conf")
        with open(conf, "w") as f:
            f.write('[engine]\nruntime="runc"\n[containers]\nnetns="none"\ndefault_ulimits=["nofile=1024:1024","nproc=1024:1024"]\n')
        os.chmod(conf, 0o644)
        return ["env", f"CONTAINERS_CONF={conf}", "podman", "--root", self.dir + "/root", "--runroot", self.dir + "/run",
                "system", "service", "--time=0", "unix://" + self.sock]

    def start(self, prefix=None):
        self.prefix = prefix
        t0 = time.monotonic()
        self.proc = subprocess.Popen(["runuser", "-u", self.user, "--"] + self.env + self.command(),
                                     stdout=open(self.dir + ".log", "w"), stderr=subprocess.STDOUT)
        while time.monotonic() - t0 < 60:
            try:
                st, _ = Client(self.sock).req("GET", "/_ping")
                if st == 200:
                    return time.monotonic() - t0
            except OSError:
                pass
            if self.proc.poll() is not None:
                raise RuntimeError(f"{self.kind} exited: " + open(self.dir + ".log").read()[-2000:])
            time.sleep(0.005)
        raise RuntimeError(f"{self.kind} not ready in 60s")

    def pid(self):
        out = subprocess.run(["pgrep", "-P", str(self.proc.pid)], capture_output=True, text=True).stdout.split()
        return int(out[0]) if out else self.proc.pid

    def stop(self):
        if self.proc and self.proc.poll() is None:
            subprocess.run(["kill", str(self.pid())])
            try:
                self.proc.wait(20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
        try:  # a rootless skiffd's namespace holder outlives it by design; a benchmark's must not
            pid = open(self.dir + "/run/holder.pid").read().split()[0]
            if open(f"/proc/{pid}/comm").read().strip() == "skiff-holder":
                os.kill(int(pid), 9)
        except (OSError, IndexError, ValueError):
            pass
        subprocess.run(["rm", "-rf", self.dir])


def make_image(out):
    """A docker-archive of a one-layer busybox-static rootfs (as the tests build it)."""
    import hashlib, io, tarfile
    layer = io.BytesIO()
    with tarfile.open(fileobj=layer, mode="w", format=tarfile.PAX_FORMAT) as t:
        for d in ("bin", "dev", "etc", "proc", "sys", "tmp", "root", "run"):
            ti = tarfile.TarInfo(d); ti.type = tarfile.DIRTYPE; ti.mode = 0o1777 if d == "tmp" else 0o755; t.addfile(ti)
        with open("/bin/busybox", "rb") as f:
            data = f.read()
        ti = tarfile.TarInfo("bin/busybox"); ti.size = len(data); ti.mode = 0o755; t.addfile(ti, io.BytesIO(data))
        for a in subprocess.run(["/bin/busybox", "--list"], capture_output=True, text=True).stdout.split():
            if a != "busybox":
                ti = tarfile.TarInfo("bin/" + a); ti.type = tarfile.SYMTYPE; ti.linkname = "busybox"; t.addfile(ti)
    lb = layer.getvalue()
    diff = hashlib.sha256(lb).hexdigest()
    cfg = json.dumps({"architecture": "amd64", "os": "linux", "config": {"Cmd": ["sh"], "Env": ["PATH=/bin"]},
                      "rootfs": {"type": "layers", "diff_ids": ["sha256:" + diff]}}).encode()
    ch = hashlib.sha256(cfg).hexdigest()
    man = json.dumps([{"Config": ch + ".json", "RepoTags": ["localhost/benchbox:latest"], "Layers": [diff + "/layer.tar"]}]).encode()
    with tarfile.open(out, "w") as t:
        for name, data in ((ch + ".json", cfg), (diff + "/layer.tar", lb), ("manifest.json", man)):
            ti = tarfile.TarInfo(name); ti.size = len(data); ti.mode = 0o644; t.addfile(ti, io.BytesIO(data))
    os.chmod(out, 0o644)


def load_image(c, archive):
    with open(archive, "rb") as f:
        st, out = c.req("POST", "/images/load", f.read(), expect=(200,))
    return json.loads(out)["Names"][0]


NETWORK = "none"  # --network: the lifecycle's netns mode


def lifecycle(c, image, name=None):
    body = {"image": image, "command": ["true"], "netns": {"nsmode": NETWORK}}
    if name:
        body["name"] = name
    t = [time.perf_counter()]
    _, out = c.req("POST", "/containers/create", body, expect=(201,))
    cid = json.loads(out)["Id"]
    t.append(time.perf_counter())
    c.req("POST", f"/containers/{cid}/start", expect=(204,))
    t.append(time.perf_counter())
    c.req("POST", f"/containers/{cid}/wait?condition=exited", expect=(200,))
    t.append(time.perf_counter())
    c.req("DELETE", f"/containers/{cid}?force=true", expect=(200,))
    t.append(time.perf_counter())
    return [b - a for a, b in zip(t, t[1:])] + [t[-1] - t[0]]


def measure(d, image_archive, n, quick):
    r = {}
    c = Client(d.sock)
    r["idle RSS (MiB)"] = [rss_kib(d.pid()) / 1024]
    lat = []
    for _ in range(200 if quick else 2000):
        t0 = time.perf_counter()
        c.req("GET", "/_ping", expect=(200,))
        lat.append(time.perf_counter() - t0)
    r["_ping keep-alive (ms)"] = [x * 1000 for x in lat]
    r["_ping, raw socket client (ms)"] = [x * 1000 for x in raw_pings(d.sock, 200 if quick else 2000)]
    try:
        image = load_image(c, image_archive)
    except Exception as e:  # noqa: BLE001 - report and measure the rest
        print(f"# {d.kind}: image load failed: {e}", file=sys.stderr)
        return r
    steps = {"create": [], "start": [], "wait": [], "delete": [], "lifecycle total": []}
    for _ in range(n):
        try:
            for k, v in zip(steps, lifecycle(c, image)):
                steps[k].append(v * 1000)
        except Exception as e:  # noqa: BLE001
            print(f"# {d.kind}: lifecycle failed: {e}", file=sys.stderr)
            break
    for k, v in steps.items():
        if v:
            r[f"{k} of `true` (ms)"] = v
    if steps["lifecycle total"]:
        r.update(concurrency(d.sock, image, 4, 10 if quick else 40))
        r.update(many(d, c, image, 100 if quick else 1000))
        r.update(shim_memory(d, c, image))
        r.update(logs(c, image, quick))
    return r


def raw_pings(sock, n):
    """_ping latencies from a minimal client (pre-built request, headers parsed by hand): the
    server's share of the round trip, without http.client's per-request overhead (~0.15 ms)."""
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.connect(sock)
    req = b"GET /v4.3.1/libpod/_ping HTTP/1.1\r\nHost: d\r\n\r\n"
    lat = []
    for _ in range(n):
        t0 = time.perf_counter()
        s.sendall(req)
        buf = b""
        while b"\r\n\r\n" not in buf:
            buf += s.recv(65536)
        head, body = buf.split(b"\r\n\r\n", 1)
        length = [int(l.split(b":")[1]) for l in head.lower().split(b"\r\n") if l.startswith(b"content-length:")]
        while len(body) < (length[0] if length else 2):
            body += s.recv(65536)
        lat.append(time.perf_counter() - t0)
    s.close()
    return lat


def concurrency(sock, image, workers, total):
    """`total` lifecycles by `workers` concurrent clients: containers per second."""
    import threading
    done, errors = [], []
    per = total // workers

    def work():
        c = Client(sock)
        for _ in range(per):
            try:
                lifecycle(c, image)
                done.append(1)
            except Exception as e:  # noqa: BLE001
                errors.append(str(e))
    threads = [threading.Thread(target=work) for _ in range(workers)]
    t0 = time.perf_counter()
    [t.start() for t in threads]
    [t.join() for t in threads]
    dt = time.perf_counter() - t0
    if errors:
        print(f"# concurrency errors: {errors[:2]}", file=sys.stderr)
    return {f"{workers} clients x{per}: containers/s": [len(done) / dt]}


def many(d, c, image, n):
    """Create n containers: create latency of the first and last 100; list all; inspect one; RSS."""
    r = {}
    rss0 = rss_kib(d.pid()) / 1024
    lat, ids = [], []
    for i in range(n):
        t0 = time.perf_counter()
        _, out = c.req("POST", "/containers/create", {"image": image, "command": ["true"], "netns": {"nsmode": "none"}},
                       expect=(201,))
        lat.append((time.perf_counter() - t0) * 1000)
        ids.append(json.loads(out)["Id"])
    r[f"create, first 100 of {n} (ms)"] = lat[:100]
    r[f"create, last 100 of {n} (ms)"] = lat[-100:]
    lst = []
    for _ in range(20):
        t0 = time.perf_counter()
        c.req("GET", "/containers/json?all=true", expect=(200,))
        lst.append((time.perf_counter() - t0) * 1000)
    r[f"list {n} containers (ms)"] = lst
    ins = []
    for _ in range(50):
        t0 = time.perf_counter()
        c.req("GET", f"/containers/{ids[n // 2]}/json", expect=(200,))
        ins.append((time.perf_counter() - t0) * 1000)
    r["inspect one (ms)"] = ins
    r[f"daemon RSS before/after {n} creates (MiB)"] = [rss0, rss_kib(d.pid()) / 1024]
    for cid in ids:
        c.req("DELETE", f"/containers/{cid}?force=true", expect=(200,))
    return r


def shim_memory(d, c, image):
    """RSS, PSS and USS of the process supervising one sleeping container (conmon for Podman)."""
    _, out = c.req("POST", "/containers/create", {"image": image, "command": ["sleep", "300"],
                                                  "netns": {"nsmode": "none"}}, expect=(201,))
    cid = json.loads(out)["Id"]
    c.req("POST", f"/containers/{cid}/start", expect=(204,))
    time.sleep(0.5)
    name = "skiff-shim" if d.kind == "skiff" else "conmon"
    pids = subprocess.run(["pgrep", "-f", f"{name}.*{cid[:12]}" if d.kind == "podman" else f"^{name}"],
                          capture_output=True, text=True).stdout.split()
    if d.kind == "skiff":  # the shim re-execs from a memfd: match by the container's pid parent
        _, info = c.req("GET", f"/containers/{cid}/json")
        pid = json.loads(info)["State"]["Pid"]
        with open(f"/proc/{pid}/stat") as f:
            pids = [f.read().rsplit(")", 1)[1].split()[1]]
    r = {}
    if pids:
        p = int(pids[0])
        r["supervisor RSS (KiB)"] = [rss_kib(p)]
        r["supervisor PSS (KiB)"] = [pss_kib(p)]
        r["supervisor USS (KiB)"] = [uss_kib(p)]
    c.req("DELETE", f"/containers/{cid}?force=true&timeout=0", expect=(200,))
    return r


def logs(c, image, quick):
    """Log ingest (container writes N MB, until exit) and read-back rates for short and long lines."""
    r = {}
    mb = 2 if quick else 20
    for label, line in (("2-byte", "a"), ("1000-byte", "a" * 999)):
        script = f"yes {line} | head -c {mb * 1024 * 1024}"
        _, out = c.req("POST", "/containers/create", {"image": image, "command": ["sh", "-c", script],
                                                      "netns": {"nsmode": "none"}}, expect=(201,))
        cid = json.loads(out)["Id"]
        t0 = time.perf_counter()
        c.req("POST", f"/containers/{cid}/start", expect=(204,))
        c.req("POST", f"/containers/{cid}/wait", expect=(200,))
        r[f"log ingest, {label} lines (MB/s)"] = [mb / (time.perf_counter() - t0)]
        t0 = time.perf_counter()
        _, body = c.req("GET", f"/containers/{cid}/logs?stdout=true&stderr=true", expect=(200,))
        r[f"log read-back, {label} lines (MB/s)"] = [mb / (time.perf_counter() - t0)]
        c.req("DELETE", f"/containers/{cid}?force=true", expect=(200,))
    return r


def prepare(only):
    """A world-readable install of this tree (unless only Podman is measured), the busybox test
    image as a docker-archive in it, and the engines to measure (Podman when it is installed)."""
    prefix = tempfile.mkdtemp(prefix="skiff-bench-install-", dir="/tmp")
    os.chmod(prefix, 0o755)
    if only != "podman":
        subprocess.run([os.path.join(ROOT, "scripts/install.sh"), prefix], check=True, stdout=subprocess.DEVNULL)
    archive = os.path.join(prefix, "busybox.tar")
    make_image(archive)
    kinds = [k for k in ("skiff", "podman") if only in (None, k)]
    if "podman" in kinds and not shutil.which("podman"):
        kinds.remove("podman")
    return prefix, archive, kinds


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=50)
    ap.add_argument("--quick", action="store_true", help="tiny N (smoke run)")
    ap.add_argument("--only", choices=["skiff", "podman"])
    ap.add_argument("--user", default=os.environ.get("SKIFF_TEST_USER", "skifftest"))
    ap.add_argument("--network", default="none", choices=["none", "slirp4netns"],
                    help="network of the lifecycle containers (slirp4netns: both engines' rootless default)")
    a = ap.parse_args()
    global NETWORK
    NETWORK = a.network
    n = 5 if a.quick else a.n
    prefix, archive, kinds = prepare(a.only)
    results = {}
    for kind in kinds:
        d = Daemon(kind, a.user)
        try:
            ready = [d.start(prefix) for _ in range(1)]
            results[kind] = {"start to ready (ms)": [x * 1000 for x in ready]}
            results[kind].update(measure(d, archive, n, a.quick))
        finally:
            d.stop()
    shutil.rmtree(prefix, ignore_errors=True)
    metrics = []
    for k in kinds:
        for m in results[k]:
            if m not in metrics:
                metrics.append(m)
    print(f"{'metric':34} {'Skiff med/p90':>18} {'Podman med/p90':>18} {'ratio':>7}   (runs)")
    for m in metrics:
        cells, meds = [], []
        for k in ("skiff", "podman"):
            v = results.get(k, {}).get(m)
            if v:
                meds.append(statistics.median(v))
                cells.append(f"{statistics.median(v):9.3f}/{pct(v, 90):8.3f}")
            else:
                meds.append(None)
                cells.append(f"{'-':>18}")
        ratio = f"{meds[0] / meds[1]:7.2f}" if None not in meds and meds[1] else f"{'-':>7}"
        runs = max(len(results.get(k, {}).get(m, [])) for k in kinds)
        print(f"{m:34} {cells[0]:>18} {cells[1]:>18} {ratio}   ({runs})")


if __name__ == "__main__":
    main()
