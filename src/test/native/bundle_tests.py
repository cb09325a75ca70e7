#!/usr/bin/python3
"""bundle_tests.py -- end-to-end TAP tests of `skiff-shim run` on real bundles.

Builds a busybox-static rootfs plus the static probe (probe.c), writes config.json bundles and
runs them the way the daemon does (an inherited sync pipe in _SKIFF_SYNC_FD, then waiting for the
exit file).  As root and rootless (user `skifftest` via runuser, 65536-ID map through
newuidmap/newgidmap).  Differential: the same bundle under runc and crun must report the same
probe lines for capabilities, no_new_privs, ID maps, hostname and rlimits.
Env: SHIM=path of skiff-shim, PROBE=path of the static probe.  Needs root.
"""
import copy, json, os, pwd, shutil, subprocess, sys, tempfile, time

USER = "skifftest"


def user_ids():
    """skifftest's uid, gid and the start of its subordinate UID and GID ranges (0s when absent)."""
    try:
        pw = pwd.getpwnam(USER)
    except KeyError:
        return 0, 0, 0, 0

    def start(path):
        try:
            for line in open(path):
                f = line.strip().split(":")
                if len(f) == 3 and f[0] in (USER, str(pw.pw_uid)) and int(f[2]) >= 65536:
                    return int(f[1])
        except FileNotFoundError:
            pass
        return 0
    return pw.pw_uid, pw.pw_gid, start("/etc/subuid"), start("/etc/subgid")


UID, GID, SUBUID, SUBGID = user_ids()
n_test = 0
failed = 0


def ok(cond, name, diag=None):
    global n_test, failed
    n_test += 1
    print(("ok" if cond else "not ok") + " %d - %s" % (n_test, name))
    if not cond:
        failed += 1
        if diag is not None:
            for line in str(diag).splitlines()[:30]:
                print("#   " + line)
    sys.stdout.flush()
    return cond


def skip(name, why):
    global n_test
    n_test += 1
    print("ok %d - %s # SKIP %s" % (n_test, name, why))


WORK = tempfile.mkdtemp(prefix="skiff-bundles-", dir="/tmp")
os.chmod(WORK, 0o755)
# the rootless runs need the binaries where skifftest can reach them (a clone under /root is not)
SHIM = shutil.copy2(os.environ["SHIM"], os.path.join(WORK, "skiff-shim"))
PROBE = shutil.copy2(os.environ["PROBE"], os.path.join(WORK, "probe"))
ROOTFS = os.path.join(WORK, "rootfs")


def build_rootfs():
    for d in ["bin", "sbin", "usr/bin", "usr/sbin", "proc", "dev", "sys", "tmp", "etc", "root", "data"]:
        os.makedirs(os.path.join(ROOTFS, d), exist_ok=True)
    os.chmod(os.path.join(ROOTFS, "tmp"), 0o1777)
    shutil.copy("/bin/busybox", os.path.join(ROOTFS, "bin/busybox"))
    subprocess.run(["chroot", ROOTFS, "/bin/busybox", "--install", "-s"], check=True)
    shutil.copy(PROBE, os.path.join(ROOTFS, "probe"))
    os.chmod(os.path.join(ROOTFS, "probe"), 0o755)
    with open(os.path.join(ROOTFS, "notexec"), "w") as f:
        f.write("#!/bin/sh\n")
    os.chmod(os.path.join(ROOTFS, "notexec"), 0o644)
    # a symlink that climbs out of the rootfs (CVE-2021-30465 style target)
    os.symlink("../../../../../../tmp", os.path.join(ROOTFS, "escape"))


CAPS = ["CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_FOWNER", "CAP_FSETID", "CAP_KILL", "CAP_NET_BIND_SERVICE",
        "CAP_SETFCAP", "CAP_SETGID", "CAP_SETPCAP", "CAP_SETUID", "CAP_SYS_CHROOT"]


def base_spec(rootless, userns=True):
    ns = [{"type": t} for t in ["pid", "network", "ipc", "uts", "mount", "cgroup"]]
    spec = {
        "ociVersion": "1.0.2",
        "process": {
            "terminal": False,
            "user": {"uid": 0, "gid": 0},
            "args": ["/probe", "report", "1"],
            "env": ["PATH=/usr/sbin:/usr/bin:/sbin:/bin", "TERM=xterm"],
            "cwd": "/",
            "capabilities": {k: list(CAPS) for k in ["bounding", "effective", "permitted"]},
            "rlimits": [{"type": "RLIMIT_NOFILE", "hard": 1024, "soft": 512}],
            "noNewPrivileges": True,
        },
        "root": {"path": ROOTFS, "readonly": True},
        "hostname": "skiff-probe",
        "mounts": [
            {"destination": "/proc", "type": "proc", "source": "proc"},
            {"destination": "/dev", "type": "tmpfs", "source": "tmpfs",
             "options": ["nosuid", "strictatime", "mode=755", "size=65536k"]},
            {"destination": "/dev/pts", "type": "devpts", "source": "devpts",
             "options": ["nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620"]},
            {"destination": "/dev/shm", "type": "tmpfs", "source": "shm",
             "options": ["nosuid", "noexec", "nodev", "mode=1777", "size=65536k"]},
            {"destination": "/dev/mqueue", "type": "mqueue", "source": "mqueue",
             "options": ["nosuid", "noexec", "nodev"]},
            {"destination": "/sys", "type": "sysfs", "source": "sysfs",
             "options": ["nosuid", "noexec", "nodev", "ro"]},
            {"destination": "/tmp", "type": "tmpfs", "source": "tmpfs", "options": ["mode=1777"]},
        ],
        "linux": {
            "namespaces": ns,
            "maskedPaths": ["/proc/acpi", "/proc/kcore", "/proc/keys", "/proc/latency_stats",
                            "/proc/timer_list", "/proc/timer_stats", "/proc/sched_debug",
                            "/proc/scsi", "/sys/firmware"],
            "readonlyPaths": ["/proc/asound", "/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys",
                              "/proc/sysrq-trigger"],
        },
    }
    if userns:
        ns.insert(0, {"type": "user"})
        if rootless:
            maps = [{"containerID": 0, "hostID": UID, "size": 1},
                    {"containerID": 1, "hostID": SUBUID, "size": 65535}]
            gmaps = [{"containerID": 0, "hostID": GID, "size": 1},
                     {"containerID": 1, "hostID": SUBGID, "size": 65535}]
        else:
            maps = [{"containerID": 0, "hostID": 200000, "size": 65536}]
            gmaps = copy.deepcopy(maps)
        spec["linux"]["uidMappings"] = maps
        spec["linux"]["gidMappings"] = gmaps
    return spec


counter = [0]


def make_bundle(spec):
    counter[0] += 1
    b = os.path.join(WORK, "b%d" % counter[0])
    os.makedirs(b)
    os.chmod(b, 0o777)  # run/exit/log files of the rootless shim live here too
    with open(os.path.join(b, "config.json"), "w") as f:
        json.dump(spec, f)
    return b


def user_cmd(rootless, cmd):
    return ["runuser", "-u", USER, "--"] + cmd if rootless else cmd


def read_to_eof(fd):
    """Everything written to a pipe until its last writer closes it; closes fd."""
    data = b""
    while True:
        chunk = os.read(fd, 65536)
        if not chunk:
            break
        data += chunk
    os.close(fd)
    return data


def run_shim(spec, rootless=False, extra_args=(), timeout=20):
    """Runs a bundle like the daemon; returns (sync lines, exit dict or None, log text, bundle)."""
    b = make_bundle(spec)
    r, w = os.pipe()
    exit_file = os.path.join(b, "exit.json")
    log_file = os.path.join(b, "ctr.log")
    cmd = user_cmd(rootless, ["env", "_SKIFF_SYNC_FD=%d" % w, SHIM, "run", "--bundle", b, "--id",
                              "t%d" % counter[0], "--exit-file", exit_file, "--log-file", log_file,
                              "--pid-file", os.path.join(b, "pid")] + list(extra_args))
    p = subprocess.Popen(cmd, pass_fds=(w,), stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                         stderr=subprocess.PIPE)
    os.close(w)
    data = read_to_eof(r)
    p.wait()
    lines = [json.loads(l) for l in data.decode().splitlines() if l.strip()]
    ex = None
    if any("pid" in l for l in lines):
        deadline = time.time() + timeout
        while time.time() < deadline and not os.path.exists(exit_file):
            time.sleep(0.01)
        if os.path.exists(exit_file):
            with open(exit_file) as f:
                ex = json.load(f)
    log = open(log_file).read() if os.path.exists(log_file) else ""
    return lines, ex, log, b


def probe_values(log):
    """key=value lines of the probe from a k8s-file log (F lines of stdout)."""
    vals = {}
    for line in log.splitlines():
        parts = line.split(" ", 3)
        if len(parts) == 4 and parts[1] == "stdout" and "=" in parts[3]:
            k, v = parts[3].split("=", 1)
            vals[k] = v
    return vals


def error_of(lines):
    for l in lines:
        if "errno" in l:
            return l
    return None


def no_leftovers(bundle):
    """No process still runs from the bundle's rootfs and no mount of it is left in the host."""
    mounts = open("/proc/self/mountinfo").read()
    return ROOTFS not in mounts and bundle not in mounts


def suite(rootless):
    tag = "rootless" if rootless else "root"

    # 1. exit code passes through, logs in k8s-file format
    spec = base_spec(rootless)
    spec["process"]["args"] = ["/probe", "print", "hello\n", "stderr", "oops\n", "exit", "3"]
    lines, ex, log, b = run_shim(spec, rootless)
    ok(any("pid" in l for l in lines), "%s: sync fd reports the pid" % tag, lines)
    ok(ex is not None and ex["exitCode"] == 3 and ex["signal"] == 0 and ex["oom"] is False
       and ex["finishedAt"].endswith("Z"), "%s: exit code 3 passes through to the exit file" % tag, ex)
    recs = [l.split(" ", 3) for l in log.splitlines()]
    ok(len(recs) == 2 and all(len(r) == 4 and r[2] == "F" and r[0][19] == "." and len(r[0]) == 30
                              for r in recs)
       and {(r[1], r[3]) for r in recs} == {("stdout", "hello"), ("stderr", "oops")},
       "%s: log is k8s-file (<RFC3339Nano> stream F line)" % tag, log)
    pidf = open(os.path.join(b, "pid")).read().strip() if os.path.exists(os.path.join(b, "pid")) else ""
    ok(pidf and any(l.get("pid") == int(pidf) for l in lines), "%s: pid file matches {\"pid\":N}" % tag, pidf)

    # 2. the probe report
    lines, ex, log, b = run_shim(base_spec(rootless), rootless)
    v = probe_values(log)
    ok(ex is not None and ex["exitCode"] == 0, "%s: probe report ran" % tag, (lines, ex, log))
    ok(v.get("hostname") == "skiff-probe", "%s: hostname set" % tag, v.get("hostname"))
    ok(v.get("rlimit.nofile") == "512 1024", "%s: RLIMIT_NOFILE applied" % tag, v.get("rlimit.nofile"))
    ok(v.get("fds_above_2") == "0", "%s: no fd above 2 at exec" % tag,
       {k: x for k, x in v.items() if k.startswith("fd")})
    # this kernel has no /proc/kcore: absent, or masked by /dev/null (reads nothing)
    ok(v.get("kcore") in ("read:0", "open:No such file or directory"),
       "%s: masked /proc/kcore unreadable" % tag, v.get("kcore"))
    ok(v.get("keys") == "read:0" and v.get("mnt./proc/keys", "").endswith(("devtmpfs", "tmpfs")),
       "%s: masked /proc/keys reads as /dev/null" % tag, (v.get("keys"), v.get("mnt./proc/keys")))
    ok(v.get("mnt./proc/acpi", "").startswith("ro,") or v.get("mnt./proc/acpi") is None,
       "%s: masked directory /proc/acpi is a read-only tmpfs (when present)" % tag, v.get("mnt./proc/acpi"))
    ok(v.get("mnt./proc/sys", "").startswith("ro,") and v.get("proc_sys_write") in
       ("Read-only file system", "Permission denied"),
       "%s: /proc/sys read-only" % tag, (v.get("mnt./proc/sys"), v.get("proc_sys_write")))
    ok(v.get("mnt./", "").startswith("ro,"), "%s: root.readonly" % tag, v.get("mnt./"))
    ok(v.get("mnt./sys", "").startswith("ro,"), "%s: /sys read-only" % tag, v.get("mnt./sys"))
    ok(v.get("self_exe_write") in ("Text file busy", "Permission denied", "Operation not permitted"),
       "%s: writing /proc/self/exe fails" % tag, v.get("self_exe_write"))
    want = ["0 %d 1" % UID, "1 %d 65535" % SUBUID] if rootless else ["0 200000 65536"]
    got = [v.get("uid_map.%d" % i) for i in range(len(want))]
    ok(got == want, "%s: uid_map as configured" % tag, got)
    ok(v.get("status.NoNewPrivs") == "1", "%s: no_new_privs" % tag, v.get("status.NoNewPrivs"))
    ok(v.get("status.CapEff") == "00000000800405fb", "%s: effective caps = the default set" % tag,
       v.get("status.CapEff"))

    # 3. missing binary -> errno 2; non-executable -> errno 13
    spec = base_spec(rootless)
    spec["process"]["args"] = ["nosuchbinary"]
    lines, ex, log, b = run_shim(spec, rootless)
    e = error_of(lines)
    ok(e and e["errno"] == 2 and "executable file not found" in e["message"],
       "%s: missing binary gives errno 2" % tag, lines)
    ok(not any("pid" in l for l in lines) and no_leftovers(b), "%s: ... and no pid, no leftover mount" % tag)
    spec["process"]["args"] = ["/notexec"]
    lines, ex, log, b = run_shim(spec, rootless)
    e = error_of(lines)
    ok(e and e["errno"] == 13, "%s: non-executable file gives errno 13" % tag, lines)

    # 4. bad bundles
    for name, mutate, want_errno, want_text in [
        ("missing rootfs", lambda s: s["root"].__setitem__("path", "/nonexistent-rootfs"), 2, "rootfs"),
        ("unknown namespace type", lambda s: s["linux"]["namespaces"].append({"type": "bogus"}), 22,
         "unknown namespace type `bogus`"),
        ("invalid mapping", lambda s: s["linux"]["uidMappings"][0].__setitem__("size", 0), 22,
         "invalid mapping"),
        ("mount target escaping via symlink",
         lambda s: s["mounts"].append({"destination": "/escape/x", "type": "tmpfs", "source": "tmpfs"}), 18,
         "escapes the rootfs"),
        ("time namespace", lambda s: s["linux"]["namespaces"].append({"type": "time"}), 95, "`time` is not supported"),
        ("hostname without a UTS namespace",
         lambda s: s["linux"].__setitem__("namespaces", [n for n in s["linux"]["namespaces"] if n["type"] != "uts"]),
         22, "needs a UTS namespace"),
        ("unknown rlimit", lambda s: s["process"]["rlimits"].append({"type": "RLIMIT_BOGUS", "hard": 1, "soft": 1}),
         22, "RLIMIT_BOGUS"),
        ("rlimit above the shim's hard limit",
         lambda s: s["process"]["rlimits"].__setitem__(0, {"type": "RLIMIT_NOFILE", "hard": 1 << 40, "soft": 1}),
         1, "RLIMIT_NOFILE"),
    ]:
        spec = base_spec(rootless)
        mutate(spec)
        lines, ex, log, b = run_shim(spec, rootless)
        e = error_of(lines)
        ok(e is not None and e["errno"] == want_errno and want_text in e["message"]
           and not any("pid" in l for l in lines) and no_leftovers(b),
           "%s: bad bundle (%s) -> errno %d, clear message" % (tag, name, want_errno), lines)
    ok(not os.path.exists("/tmp/x"), "%s: nothing was mounted/created through the escaping symlink" % tag)

    # 5. signal forwarding: SIGTERM to the shim reaches the container (exitCode 128+15)
    spec = base_spec(rootless)
    spec["process"]["args"] = ["/bin/sh", "-c", "trap 'exit 42' TERM; while :; do sleep 0.05; done"]
    b = make_bundle(spec)
    r, w = os.pipe()
    exit_file = os.path.join(b, "exit.json")
    subprocess.run(user_cmd(rootless, ["env", "_SKIFF_SYNC_FD=%d" % w, SHIM, "run", "--bundle", b, "--id", "sig",
                                       "--exit-file", exit_file, "--log-file", os.path.join(b, "log"),
                                       "--pid-file", os.path.join(b, "pid")]),
                   pass_fds=(w,))
    os.close(w)
    line = json.loads(os.read(r, 4096).decode().splitlines()[0])
    os.close(r)
    time.sleep(0.3)  # let the shell install its trap
    cpid = int(open(os.path.join(b, "pid")).read())
    shim_pid = int(open("/proc/%d/stat" % cpid).read().rsplit(")", 1)[1].split()[1])
    if shim_pid:
        os.kill(shim_pid, 15)
    deadline = time.time() + 10
    while time.time() < deadline and not os.path.exists(exit_file):
        time.sleep(0.02)
    ex = json.load(open(exit_file)) if os.path.exists(exit_file) else None
    ok("pid" in line and shim_pid and ex and ex["exitCode"] == 42,
       "%s: SIGTERM to the shim is forwarded to the container" % tag, (line, shim_pid, ex))

    # 6. long output: partial records
    spec = base_spec(rootless)
    spec["process"]["args"] = ["/probe", "big", "200000"]
    lines, ex, log, b = run_shim(spec, rootless)
    recs = [l.split(" ", 3) for l in log.splitlines()]
    body = "".join(r[3] for r in recs if len(r) == 4)
    ok(len(body) == 200000 and recs[-1][2] == "F" and all(r[2] == "P" for r in recs[:-1]) and len(recs) > 1,
       "%s: a 200000-byte line is P records then one F, nothing lost" % tag, (len(body), len(recs)))

    # 7. overlay rootfs from annotations
    upper = os.path.join(WORK, "ov-%s" % tag)
    for d in ["upper", "work", "merged"]:
        os.makedirs(os.path.join(upper, d), exist_ok=True)
        # owned by the container's root: the user (rootless) or the mapped 200000 (root)
        os.chown(os.path.join(upper, d), *((UID, GID) if rootless else (200000, 200000)))
    spec = base_spec(rootless)
    spec["root"] = {"path": os.path.join(upper, "merged"), "readonly": False}
    spec["annotations"] = {"dev.skiff.overlay.lower": ROOTFS,
                           "dev.skiff.overlay.upper": os.path.join(upper, "upper"),
                           "dev.skiff.overlay.work": os.path.join(upper, "work")}
    spec["process"]["args"] = ["/bin/sh", "-c", "echo written > /newfile && cat /newfile"]
    lines, ex, log, b = run_shim(spec, rootless)
    ok(ex and ex["exitCode"] == 0 and "written" in log and os.path.exists(os.path.join(upper, "upper/newfile"))
       and not os.path.exists(os.path.join(ROOTFS, "newfile")),
       "%s: overlay rootfs from annotations (writes land in upper)" % tag, (lines, ex, log))

    # 8. user switch + bind mount read-only + masked dir
    spec = base_spec(rootless)
    hostdir = os.path.join(WORK, "hostdir-%s" % tag)
    os.makedirs(hostdir, exist_ok=True)
    spec["mounts"].append({"destination": "/data", "type": "bind", "source": hostdir, "options": ["rbind", "ro"]})
    spec["process"]["user"] = {"uid": 1000, "gid": 1000, "additionalGids": [1001]}
    spec["process"]["args"] = ["/bin/sh", "-c", "id -u; id -g; id -G; touch /data/f 2>&1; ls /proc/acpi | wc -l"]
    lines, ex, log, b = run_shim(spec, rootless)
    out = [l.split(" ", 3)[3] for l in log.splitlines() if len(l.split(" ", 3)) == 4]
    ok(ex and out[:3] == ["1000", "1000", "1000 1001"], "%s: process.user uid/gid/additionalGids" % tag, out)
    ok(any("Read-only file system" in o for o in out), "%s: ro bind mount is read-only" % tag, out)


def robustness(rootless):
    tag = "rootless" if rootless else "root"
    # the "daemon" (a process holding the sync pipe) is SIGKILLed while the container runs
    spec = base_spec(rootless)
    spec["process"]["args"] = ["/bin/sh", "-c", "sleep 0.5; echo survived; exit 7"]
    b = make_bundle(spec)
    exit_file = os.path.join(b, "exit.json")
    daemon = subprocess.Popen(["python3", "-c", """
import os, subprocess, sys, time
r, w = os.pipe()
subprocess.Popen(sys.argv[1:] + ["--exit-file", sys.argv[0] if False else os.environ["EXIT"], "--log-file",
                 os.environ["LOG"]], env=dict(os.environ, _SKIFF_SYNC_FD=str(w)), pass_fds=(w,))
os.close(w)
print(os.read(r, 4096).decode(), flush=True)
time.sleep(60)
"""] + user_cmd(rootless, [SHIM, "run", "--bundle", b, "--id", "dk"]),
        env=dict(os.environ, EXIT=exit_file, LOG=os.path.join(b, "log")), stdout=subprocess.PIPE)
    first = daemon.stdout.readline().decode()
    daemon.kill()
    daemon.wait()
    deadline = time.time() + 10
    while time.time() < deadline and not os.path.exists(exit_file):
        time.sleep(0.02)
    ex = json.load(open(exit_file)) if os.path.exists(exit_file) else None
    ok('"pid"' in first and ex and ex["exitCode"] == 7 and "survived" in open(os.path.join(b, "log")).read(),
       "%s: the container and its shim survive the daemon being SIGKILLed" % tag, (first, ex))

    # the daemon reads the answer from the started process's stdout (no _SKIFF_SYNC_FD) and, like
    # the JDK's process reaper, keeps only what is already written once that process has exited
    spec = base_spec(rootless)
    spec["process"]["args"] = ["/probe", "exit", "0"]
    answered = []
    for i in range(10):
        b = make_bundle(spec)
        p = subprocess.Popen(user_cmd(rootless, [SHIM, "run", "--bundle", b, "--id", "so%d" % i, "--exit-file",
                                                 os.path.join(b, "exit.json"), "--log-file", os.path.join(b, "log")]),
                             stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
        p.wait()
        os.set_blocking(p.stdout.fileno(), False)
        try:
            early = os.read(p.stdout.fileno(), 65536).decode()
        except BlockingIOError:
            early = ""
        p.stdout.close()
        answered.append('"pid"' in early)
    ok(all(answered), "%s: the started process exits only after the answer is on its stdout" % tag, answered)

    # ten containers at once
    import concurrent.futures
    spec = base_spec(rootless)
    spec["process"]["args"] = ["/probe", "report", "1", "exit", "5"]
    with concurrent.futures.ThreadPoolExecutor(max_workers=10) as pool:
        results = list(pool.map(lambda _: run_shim(spec, rootless), range(10)))
    good = [r for r in results if r[1] and r[1]["exitCode"] == 5 and probe_values(r[2]).get("hostname") == "skiff-probe"]
    ok(len(good) == 10, "%s: ten concurrent containers all start, report and exit" % tag,
       [r[0] for r in results if r not in good])


def oci_cli(rootless):
    """The OCI command-line subset: create / state / start / kill / delete, and run."""
    tag = "rootless" if rootless else "root"
    spec = base_spec(rootless)
    spec["process"]["args"] = ["/bin/sh", "-c", "echo hi; trap 'exit 9' TERM; while :; do sleep 0.05; done"]
    b = make_bundle(spec)
    root = os.path.join(b, "state")
    os.makedirs(root)
    os.chmod(root, 0o777)

    def cli(*args):
        # the container's stdio is the caller's: files, so that nothing waits for a pipe's EOF
        with open(os.path.join(b, "out"), "a") as out, open(os.path.join(b, "err"), "a") as err:
            return subprocess.run(user_cmd(rootless, [SHIM, "--root", root] + list(args)), stdout=out, stderr=err,
                                  stdin=subprocess.DEVNULL, cwd=b, timeout=30).returncode

    def status(cid):
        p = subprocess.run(user_cmd(rootless, [SHIM, "--root", root, "state", cid]), capture_output=True, text=True,
                           timeout=30)
        return json.loads(p.stdout) if p.returncode == 0 else None

    rc = cli("create", "--pid-file", os.path.join(b, "pid"), "c1")
    st = status("c1")
    ok(rc == 0 and st and st["status"] == "created" and st["pid"] == int(open(os.path.join(b, "pid")).read())
       and st["bundle"] == b and st["id"] == "c1", "%s: OCI create -> state created with the pid file's pid" % tag, (rc, st))
    rc = cli("start", "c1")
    time.sleep(0.3)
    st = status("c1")
    ok(rc == 0 and st and st["status"] == "running", "%s: OCI start -> running" % tag, (rc, st))
    ok(cli("delete", "c1") == 1 and "is running (use --force)" in open(os.path.join(b, "err")).read(),
       "%s: OCI delete of a running container is refused" % tag)
    rc = cli("kill", "c1", "SIGTERM")
    time.sleep(0.5)
    st = status("c1")
    ex = json.load(open(os.path.join(root, "c1", "exit.json"))) if os.path.exists(os.path.join(root, "c1", "exit.json")) else None
    ok(rc == 0 and st and st["status"] == "stopped" and ex and ex["exitCode"] == 9,
       "%s: OCI kill SIGTERM -> stopped, exit code 9" % tag, (rc, st, ex))
    ok(cli("delete", "c1") == 0 and not os.path.exists(os.path.join(root, "c1")) and status("c1") is None,
       "%s: OCI delete removes the state" % tag)
    ok(cli("create", "c3") == 0 and cli("create", "c3") == 1 and cli("delete", "--force", "c3") == 0
       and not os.path.exists(os.path.join(root, "c3")),
       "%s: OCI create of an existing id fails; delete --force kills a created container" % tag)
    rc = cli("create", "c5")
    refused = cli("delete", "c5")
    ok(rc == 0 and refused == 1 and status("c5")["status"] == "created"
       and "is created (use --force)" in open(os.path.join(b, "err")).read() and cli("delete", "--force", "c5") == 0,
       "%s: OCI delete of a created (not stopped) container is refused and leaves it created" % tag, (rc, refused))
    rc = cli("create", "c6")
    rc_start = cli("start", "c6")
    time.sleep(0.3)
    rc_kill = cli("kill", "c6", "9")
    time.sleep(0.5)
    st = status("c6")
    rc_again = cli("kill", "c6", "KILL")
    ok(rc == 0 and rc_start == 0 and rc_kill == 0 and st and st["status"] == "stopped" and st["pid"] == 0
       and rc_again == 1 and "is not running" in open(os.path.join(b, "err")).read() and cli("start", "c6") == 1
       and cli("delete", "c6") == 0,
       "%s: OCI kill by number stops it (state stopped, pid 0); kill and start of a stopped container fail" % tag,
       (rc, rc_start, rc_kill, st, rc_again))
    good = copy.deepcopy(spec)
    for version, cid in (("invalid", "c7"), ("2.0.0", "c8")):
        bad = copy.deepcopy(good)
        bad["ociVersion"] = version
        json.dump(bad, open(os.path.join(b, "config.json"), "w"))
        rc = cli("create", cid)
        ok(rc == 1 and "unsupported ociVersion `%s`" % version in open(os.path.join(b, "err")).read()
           and not os.path.exists(os.path.join(root, cid)),
           "%s: OCI create refuses ociVersion %s and leaves no state" % (tag, version), rc)
    bad = copy.deepcopy(good)
    bad["process"]["capabilities"]["bounding"].append("CAP_NOT_A_CAPABILITY")
    json.dump(bad, open(os.path.join(b, "config.json"), "w"))
    rc = cli("create", "c9")
    ok(rc == 1 and "unknown capability `CAP_NOT_A_CAPABILITY`" in open(os.path.join(b, "err")).read()
       and not os.path.exists(os.path.join(root, "c9")),
       "%s: OCI create refuses an unknown capability name and leaves no state" % tag, rc)
    json.dump(good, open(os.path.join(b, "config.json"), "w"))
    spec["process"]["args"] = ["/bin/sh", "-c", "echo out-of-run; exit 3"]
    json.dump(spec, open(os.path.join(b, "config.json"), "w"))
    rc = cli("run", "c2")
    ok(rc == 3 and "out-of-run" in open(os.path.join(b, "out")).read() and not os.path.exists(os.path.join(root, "c2")),
       "%s: OCI run passes stdio through, returns the exit code and deletes the container" % tag, rc)
    for prop, field in (("shared", "shared:"), ("unbindable", "unbindable"), ("rprivate", None)):
        pspec = copy.deepcopy(spec)
        pspec["linux"]["rootfsPropagation"] = prop
        pspec["process"]["args"] = ["/bin/sh", "-c", "echo root-propagation-%s: $(grep '^[0-9]* [0-9]* [^ ]* / / ' "
                                    "/proc/self/mountinfo)" % prop]
        json.dump(pspec, open(os.path.join(b, "config.json"), "w"))
        rc = cli("run", "p-" + prop)
        line = [l for l in open(os.path.join(b, "out")).read().splitlines() if l.startswith("root-propagation-%s:" % prop)]
        opt = line[0].split(" - ")[0] if line else ""
        ok(rc == 0 and line and (field in opt if field else "shared:" not in opt and "master:" not in opt
                                 and "unbindable" not in opt),
           "%s: OCI run with rootfsPropagation %s gives / that propagation" % (tag, prop), (rc, line))
    pspec["linux"]["rootfsPropagation"] = "bogus"
    json.dump(pspec, open(os.path.join(b, "config.json"), "w"))
    rc = cli("run", "p-bogus")
    ok(rc == 1 and "unsupported linux.rootfsPropagation `bogus`" in open(os.path.join(b, "err")).read()
       and not os.path.exists(os.path.join(root, "p-bogus")),
       "%s: OCI run refuses an unknown rootfsPropagation" % tag, rc)
    if not rootless:
        cg_tests(cli, status, spec, b, root)
    hook_tests(cli, status, spec, b, root, tag)
    device_tests(cli, spec, b, root, tag)
    spec["process"]["args"] = ["nosuchbinary"]
    json.dump(spec, open(os.path.join(b, "config.json"), "w"))
    rc = cli("run", "c4")
    ok(rc != 0 and "executable file not found" in open(os.path.join(b, "err")).read()
       and not os.path.exists(os.path.join(root, "c4")), "%s: OCI run of a missing binary fails cleanly" % tag, rc)


def hook_tests(cli, status, spec, b, root, tag):
    """OCI hooks: prestart and poststart in `start`, poststop in `delete`, each with the state on stdin."""
    hdir = os.path.join(b, "hooks")
    os.makedirs(hdir, exist_ok=True)
    os.chmod(hdir, 0o777)

    def hook(name, extra=""):
        return {"path": "/bin/sh", "args": ["sh", "-c", "%scat > %s/%s.json; echo %s >> %s/order" % (extra, hdir, name, name, hdir)],
                "timeout": 5}
    hspec = copy.deepcopy(spec)
    hspec["process"]["args"] = ["/bin/sh", "-c", "sleep 30"]
    hspec["annotations"] = {"org.example.hook-test": "yes"}
    hspec["hooks"] = {"prestart": [hook("prestart1"), hook("prestart2")], "poststart": [hook("poststart")],
                      "poststop": [{"path": "/bin/false", "args": ["false"]}, hook("poststop")]}
    json.dump(hspec, open(os.path.join(b, "config.json"), "w"))
    rc = cli("create", "h1")
    before = os.path.exists(os.path.join(hdir, "order"))
    rc_start = cli("start", "h1")
    st = status("h1")

    def load(name):
        try:
            return json.load(open(os.path.join(hdir, name + ".json")))
        except (OSError, ValueError):
            return None
    pre, post = load("prestart1"), load("poststart")
    ok(rc == 0 and not before and rc_start == 0 and st and st["annotations"] == {"org.example.hook-test": "yes"}
       and pre and pre["status"] == "created" and pre["id"] == "h1" and pre["pid"] == st["pid"] and pre["bundle"] == b
       and pre["annotations"] == st["annotations"] and "skiffHooks" not in pre and "skiffHooks" not in st
       and post and post["status"] == "running",
       "%s: OCI start runs prestart (status created) then poststart (running), the state on stdin" % tag,
       (rc, before, rc_start, st, pre, post))
    cli("kill", "h1", "KILL")
    time.sleep(0.5)
    rc_del = cli("delete", "h1")
    stop = load("poststop")
    order = open(os.path.join(hdir, "order")).read().split()
    ok(rc_del == 0 and stop and stop["status"] == "stopped" and order == ["prestart1", "prestart2", "poststart", "poststop"]
       and "hooks.poststop[0]" in open(os.path.join(b, "err")).read(),
       "%s: OCI delete runs poststop after a failing one (a warning); hooks ran in the listed order" % tag,
       (rc_del, stop, order))
    hspec["hooks"] = {"prestart": [{"path": "/bin/false", "args": ["false"]}]}
    json.dump(hspec, open(os.path.join(b, "config.json"), "w"))
    rc = cli("create", "h2")
    rc_start = cli("start", "h2")
    ok(rc == 0 and rc_start == 1 and "hooks.prestart[0]: hook `/bin/false` failed (exit status 1)" in open(os.path.join(b, "err")).read()
       and status("h2") is None and not os.path.exists(os.path.join(root, "h2")),
       "%s: a failing prestart hook fails start, stops and deletes the container" % tag, (rc, rc_start))
    hspec["process"]["args"] = ["/bin/true"]
    lines, ex, log, hb = run_shim(hspec, tag == "rootless")
    err = error_of(lines)
    ok(err and "hooks.prestart is only run by the OCI command line" in err["message"] and ex is None,
       "%s: the daemon protocol refuses hooks (it has no create/start/delete to run them in)" % tag, lines)
    json.dump(spec, open(os.path.join(b, "config.json"), "w"))


def device_tests(cli, spec, b, root, tag):
    """linux.devices: nodes created (root) or the host's same node bound (user namespace); bad entries refused."""
    dspec = base_spec(tag == "rootless", userns=tag == "rootless")  # root: no user namespace, so mknod works
    path = "/dev/null" if tag == "rootless" else "/dev/skiff-null"
    dspec["linux"]["devices"] = [{"path": path, "type": "c", "major": 1, "minor": 3, "fileMode": 0o640, "uid": 0, "gid": 0}]
    dspec["process"]["args"] = ["/bin/sh", "-c", "echo dev-%s: $(ls -ln %s) && echo x > %s" % (tag, path, path)]
    json.dump(dspec, open(os.path.join(b, "config.json"), "w"))
    rc = cli("run", "d1")
    line = [l for l in open(os.path.join(b, "out")).read().splitlines() if l.startswith("dev-%s:" % tag)]
    want = "crw-rw-rw-" if tag == "rootless" else "crw-r-----"  # a bound host node keeps the host's mode
    ok(rc == 0 and line and line[0].split()[1] == want and "1, 3" in line[0],
       "%s: OCI run with linux.devices gives the container %s as a usable 1:3 node" % (tag, path), (rc, line))
    if tag == "rootless":
        dspec["linux"]["devices"][0]["path"] = "/dev/skiff-null"
        json.dump(dspec, open(os.path.join(b, "config.json"), "w"))
        rc = cli("run", "d3")
        ok(rc == 1 and "linux.devices: mknod `/dev/skiff-null` (and the host has no such node to bind)"
           in open(os.path.join(b, "err")).read(),
           "%s: OCI run fails clearly for a device it can neither create nor bind" % tag, rc)
    dspec["linux"]["devices"] = [{"path": "/dev/skiff-bad", "type": "x", "major": 1, "minor": 3}]
    json.dump(dspec, open(os.path.join(b, "config.json"), "w"))
    rc = cli("run", "d2")
    ok(rc == 1 and "linux.devices: `/dev/skiff-bad` has an unknown type `x`" in open(os.path.join(b, "err")).read()
       and not os.path.exists(os.path.join(root, "d2")), "%s: OCI run refuses a device of an unknown type" % tag, rc)
    json.dump(spec, open(os.path.join(b, "config.json"), "w"))


def cg_tests(cli, status, spec, b, root):
    """OCI create with linux.cgroupsPath (root): created in each hierarchy with the limits, removed by delete."""
    path = "skiff-oci-test-%d/ctr" % os.getpid()
    v2 = os.path.exists("/sys/fs/cgroup/cgroup.controllers")
    pids_dir = "/sys/fs/cgroup/%s" % path if v2 else "/sys/fs/cgroup/pids/%s" % path
    cspec = copy.deepcopy(spec)
    cspec["process"]["args"] = ["/bin/sh", "-c", "sleep 30"]
    cspec["linux"]["cgroupsPath"] = "/" + path
    cspec["linux"]["resources"] = {"pids": {"limit": 42}, "cpu": {"shares": 512},
                                   "devices": [{"allow": False, "access": "rwm"},
                                               {"allow": True, "type": "c", "major": 10, "minor": 229, "access": "rwm"}]}
    json.dump(cspec, open(os.path.join(b, "config.json"), "w"))
    rc = cli("create", "cg1")
    st = status("cg1")

    def read(p):
        try:
            return open(p).read().split()
        except OSError:
            return None
    shares = None if v2 else read("/sys/fs/cgroup/cpu/%s/cpu.shares" % path)
    devices = None if v2 else open("/sys/fs/cgroup/devices/%s/devices.list" % path).read().splitlines()
    ok(rc == 0 and st and read(pids_dir + "/pids.max") == ["42"] and str(st["pid"]) in (read(pids_dir + "/cgroup.procs") or [])
       and (v2 or (shares == ["512"] and "c 10:229 rwm" in devices and "c 1:3 rwm" in devices
                   and "a *:* rwm" not in devices)),
       "root: OCI create with linux.cgroupsPath joins it with pids.limit, cpu.shares, device rules written",
       (rc, st, read(pids_dir + "/pids.max"), shares, devices))
    rc_kill = cli("kill", "cg1", "KILL")
    time.sleep(0.5)
    rc_del = cli("delete", "cg1")
    ok(rc_kill == 0 and rc_del == 0 and not os.path.exists(pids_dir)
       and not os.path.exists(os.path.dirname(pids_dir)),
       "root: OCI delete removes the container's cgroup (and its emptied parent)", (rc_kill, rc_del))
    cspec["linux"]["cgroupsPath"] = "/skiff-oci-test/../escape"
    json.dump(cspec, open(os.path.join(b, "config.json"), "w"))
    rc = cli("create", "cg2")
    ok(rc == 1 and "invalid linux.cgroupsPath `/skiff-oci-test/../escape`" in open(os.path.join(b, "err")).read()
       and not os.path.exists(os.path.join(root, "cg2")), "root: OCI create refuses a cgroupsPath with ..", rc)
    json.dump(spec, open(os.path.join(b, "config.json"), "w"))


def exec_tests(rootless):
    """`skiff-shim exec`: a new process in the namespaces of a running container."""
    tag = "rootless" if rootless else "root"
    spec = base_spec(rootless)
    spec["process"]["args"] = ["/bin/sleep", "20"]
    b = make_bundle(spec)
    r, w = os.pipe()
    subprocess.run(user_cmd(rootless, ["env", "_SKIFF_SYNC_FD=%d" % w, SHIM, "run", "--bundle", b, "--id", "ex",
                                       "--exit-file", b + "/exit", "--log-file", b + "/log", "--pid-file", b + "/pid"]),
                   pass_fds=(w,))
    os.close(w)
    os.read(r, 4096)
    os.close(r)
    cpid = int(open(b + "/pid").read())

    def shim_exec(args, target=cpid):
        proc = copy.deepcopy(spec["process"])
        proc["args"] = args
        n = len(os.listdir(b))
        pf = os.path.join(b, "proc%d.json" % n)
        json.dump(proc, open(pf, "w"))
        exit_file, log_file = os.path.join(b, "exit%d" % n), os.path.join(b, "log%d" % n)
        r, w = os.pipe()
        subprocess.run(user_cmd(rootless, ["env", "_SKIFF_SYNC_FD=%d" % w, SHIM, "exec", "--bundle", b, "--id", "ex",
                                           "--pid", str(target), "--process", pf, "--exit-file", exit_file,
                                           "--log-file", log_file]), pass_fds=(w,))
        os.close(w)
        data = read_to_eof(r)
        lines = [json.loads(l) for l in data.decode().splitlines() if l.strip()]
        ex = None
        if any("pid" in l for l in lines):
            deadline = time.time() + 10
            while time.time() < deadline and not os.path.exists(exit_file):
                time.sleep(0.01)
            ex = json.load(open(exit_file)) if os.path.exists(exit_file) else None
        log = open(log_file).read() if os.path.exists(log_file) else ""
        return lines, ex, log

    lines, ex, log = shim_exec(["/probe", "report", "1", "exit", "4"])
    v = probe_values(log)
    want_map = "0 %d 1" % UID if rootless else "0 200000 65536"
    ok(ex and ex["exitCode"] == 4 and v.get("hostname") == "skiff-probe" and v.get("uid_map.0") == want_map
       and v.get("pid") not in (None, "1") and int(v.get("pid", "99999")) < 100 and v.get("fds_above_2") == "0"
       and v.get("status.CapEff") == "00000000800405fb" and v.get("status.NoNewPrivs") == "1"
       and v.get("mnt./", "").startswith("ro,"),
       "%s: exec joins the running container (pid/uts/user/mount namespaces, caps, exit code 4)" % tag,
       (lines, ex, {k: v.get(k) for k in ["hostname", "pid", "uid_map.0", "mnt./"]}))
    lines, ex, log = shim_exec(["nosuchbinary"])
    e = error_of(lines)
    ok(e and e["errno"] == 2 and "executable file not found" in e["message"], "%s: exec of a missing binary: errno 2" % tag,
       lines)
    os.kill(cpid, 9)
    deadline = time.time() + 10
    while time.time() < deadline and not os.path.exists(b + "/exit"):
        time.sleep(0.01)
    lines, ex, log = shim_exec(["/probe"], target=cpid)
    e = error_of(lines)
    ok(e and e["errno"] == 2 and "container process" in e["message"], "%s: exec into a stopped container: clear error" % tag,
       lines)


F_GET_SEALS = 1034
SEALS = 0x1 | 0x2 | 0x4 | 0x8  # F_SEAL_SEAL | SHRINK | GROW | WRITE


def exe_seals(pid):
    """(readlink of /proc/PID/exe, its memfd seals or None, whether opening it for writing fails)."""
    import fcntl
    path = "/proc/%d/exe" % pid
    try:
        link = os.readlink(path)
        fd = os.open(path, os.O_RDONLY)
    except OSError as e:
        return str(e), None, True
    try:
        seals = fcntl.fcntl(fd, F_GET_SEALS)
    except OSError:
        seals = None
    os.close(fd)
    try:
        os.close(os.open(path, os.O_WRONLY))
        write_fails = False
    except OSError:
        write_fails = True
    return link, seals, write_fails



def runs_sealed_copy(pid):
    """Whether pid runs the sealed, unwritable memfd copy of the shim; and what exe_seals saw."""
    seen = exe_seals(pid) if pid else (None, None, None)
    link, seals, write_fails = seen
    return bool(pid and link and link.startswith("/memfd:skiff-shim") and seals is not None
                and seals & SEALS == SEALS and write_fails), seen

def monitor_of(cpid):
    try:
        return int(open("/proc/%d/stat" % cpid).read().rsplit(")", 1)[1].split()[1])
    except OSError:  # the process is gone: reported by the caller's check
        return 0


def wait_handover(mon, timeout=5):
    """The monitor's command line once it re-executed as `supervise` (or the last one seen)."""
    deadline = time.time() + timeout
    while True:
        try:
            cmd = open("/proc/%d/cmdline" % mon).read().split("\0")
        except OSError:
            return []
        if cmd[1:2] == ["supervise"] or time.time() > deadline:
            return cmd
        time.sleep(0.02)


def handover_tests(rootless):
    """The monitor leaves the sealed memfd copy once the container runs (handover.h); whatever
    enters the container still runs from the sealed copy (CVE-2019-5736)."""
    tag = "rootless" if rootless else "root"
    shim_real = os.path.realpath(SHIM)

    # 1. a container that executes /proc/self/exe (the CVE's shape) as its init, and blocks in it
    # (`userns-run` reads its stdin, a pipe the monitor keeps open): what it runs is the sealed copy
    spec = base_spec(rootless)
    spec["process"]["args"] = ["/proc/self/exe", "userns-run"]
    b, path, lines = start_attached(spec, rootless, ["--stdin"])
    cpid = int(open(b + "/pid").read()) if os.path.exists(b + "/pid") else 0
    sealed, seen = runs_sealed_copy(cpid)
    ok(sealed, "%s: the init executing /proc/self/exe gets the sealed memfd copy, not writable (CVE-2019-5736)" % tag,
       (lines, seen))

    # 2. the monitor re-executed the on-disk binary: same pid, `supervise`, no memfd left mapped,
    # non-dumpable; and it still serves the container: stdin, output, exit status
    mon = monitor_of(cpid) if cpid else 0
    cmd = wait_handover(mon) if mon else []
    try:
        maps, mexe = open("/proc/%d/maps" % mon).read(), os.readlink("/proc/%d/exe" % mon)
    except OSError:
        maps, mexe = "", None
    ok(cmd[1:3] == ["supervise", "tty%d" % counter[0]] and mexe == shim_real and "memfd:" not in maps,
       "%s: the monitor re-executes from the on-disk binary once the container runs (same pid)" % tag,
       (cmd, mexe))
    if rootless:
        r = subprocess.run(user_cmd(True, ["readlink", "/proc/%d/exe" % mon]), capture_output=True, text=True)
        try:
            owner = os.lstat("/proc/%d/exe" % mon).st_uid
        except OSError:
            owner = None
        ok(owner == 0 and r.returncode != 0,
           "rootless: the re-executed monitor is not dumpable (its /proc/PID/exe needs CAP_SYS_PTRACE)",
           (owner, r.returncode, r.stdout, r.stderr))
    # the aim for a supervising shim of a sleeping container: RSS <= 1 MiB (it gets there
    # once its loop has been idle a second: handover.h, supervise.h)
    time.sleep(1.5)  # past the re-executed monitor's start-up
    deadline, rss = time.time() + 15, None
    while mon and time.time() < deadline:
        rss = int([l for l in open("/proc/%d/smaps_rollup" % mon) if l.startswith("Rss:")][0].split()[1])
        if rss <= 1024:
            break
        time.sleep(0.2)
    ok(rss is not None and rss <= 1024, "%s: the waiting monitor's RSS is at most 1 MiB (%s KiB)" % (tag, rss))
    c = AttachClient(path)
    c.stdin(b'{"uidMappings":[{"containerID":0,"hostID":0,"size":1}]}')
    c.send(1)  # close stdin: userns-run reads its request to EOF, then refuses it (exit 1)
    out = c.read_all()
    ex = exit_of(b)
    log = open(b + "/ctr.log").read()
    ok(ex is not None and ex["exitCode"] == 1 and 'stdout F {"errno":22,' in log and b'"errno":22' in out.get(1, b""),
       "%s: after the handover stdin, output (log and attach) and the exit status still work" % tag,
       (ex, log[-300:], out))

    # 2b. what the monitor holds only to keep something alive comes over the handover too:
    # slirp4netns (network.h) ends when the monitor closes its exit fd
    if os.path.exists("/usr/bin/slirp4netns"):
        spec = base_spec(rootless)
        spec["process"]["args"] = ["/bin/sh", "-c", "sleep 2; cat /proc/net/dev"]
        b = make_bundle(spec)
        spec["annotations"] = {"dev.skiff.network.slirp4netns": json.dumps(
            {"path": "/usr/bin/slirp4netns", "args": ["--mtu=65520", "--disable-host-loopback"],
             "apiSocket": b + "/slirp.sock", "log": b + "/slirp.log"})}
        with open(os.path.join(b, "config.json"), "w") as f:
            json.dump(spec, f)
        r, w = os.pipe()
        subprocess.run(user_cmd(rootless, ["env", "_SKIFF_SYNC_FD=%d" % w, SHIM, "run", "--bundle", b, "--id", "net",
                                           "--exit-file", b + "/exit.json", "--log-file", b + "/ctr.log",
                                           "--pid-file", b + "/pid"]), pass_fds=(w,))
        os.close(w)
        nlines = read_to_eof(r)
        npid = int(open(b + "/pid").read()) if os.path.exists(b + "/pid") else 0
        nmon = monitor_of(npid) if npid else 0
        handed = nmon and wait_handover(nmon)[1:2] == ["supervise"]
        time.sleep(0.5)
        kids = subprocess.run(["ps", "-o", "comm=", "--ppid", str(nmon)], capture_output=True, text=True).stdout.split() \
            if nmon else []
        ex = exit_of(b)
        log = open(b + "/ctr.log").read() if os.path.exists(b + "/ctr.log") else ""
        ok(handed and "slirp4netns" in kids and ex and ex["exitCode"] == 0 and " tap0:" in log,
           "%s: slirp4netns (held by the monitor's exit fd) outlives the handover: tap0 still up 2 s later" % tag,
           (nlines, handed, kids, ex, log[-400:]))
    else:
        skip("%s: slirp4netns outlives the handover" % tag, "no /usr/bin/slirp4netns")

    # 3. exec: the process that enters the running container also runs from the sealed copy
    spec = base_spec(rootless)
    spec["process"]["args"] = ["/bin/sleep", "20"]
    lines, _, _, b = run_shim_detached(spec, rootless)
    target = int(open(b + "/pid").read())
    proc = copy.deepcopy(spec["process"])
    proc["args"] = ["/proc/self/exe", "userns-run"]
    json.dump(proc, open(b + "/proc.json", "w"))
    r, w = os.pipe()
    subprocess.run(user_cmd(rootless, ["env", "_SKIFF_SYNC_FD=%d" % w, SHIM, "exec", "--bundle", b, "--id", "hx",
                                       "--pid", str(target), "--process", b + "/proc.json", "--stdin",
                                       "--exit-file", b + "/exit-exec", "--log-file", b + "/log-exec",
                                       "--pid-file", b + "/pid-exec"]), pass_fds=(w,))
    os.close(w)
    elines = read_to_eof(r)
    epid = int(open(b + "/pid-exec").read()) if os.path.exists(b + "/pid-exec") else 0
    sealed, seen = runs_sealed_copy(epid)
    ok(sealed, "%s: exec: the process executing /proc/self/exe in the container gets the sealed copy" % tag,
       (elines, seen))
    emon = monitor_of(epid) if epid else 0
    ok(emon and wait_handover(emon)[1:2] == ["supervise"] and exe_seals(emon)[0] == shim_real,
       "%s: exec: its monitor re-executes from the on-disk binary too" % tag)
    os.kill(epid, 9)
    os.kill(target, 9)
    exit_of(b)

    if rootless:
        return
    # 4. a container that shares the monitor's pid namespace could see it: no handover
    spec = base_spec(False, userns=False)
    spec["linux"]["namespaces"] = [n for n in spec["linux"]["namespaces"] if n["type"] != "pid"]
    spec["process"]["args"] = ["/bin/sleep", "20"]
    lines, _, _, b = run_shim_detached(spec, False)
    cpid = int(open(b + "/pid").read())
    mon = monitor_of(cpid)
    time.sleep(1)
    link, seals, _ = exe_seals(mon)
    ok(link.startswith("/memfd:skiff-shim") and seals is not None and seals & SEALS == SEALS
       and open("/proc/%d/cmdline" % mon).read().split("\0")[1] == "run",
       "root: without its own pid namespace the container could see the monitor: it stays on the sealed copy",
       (link, seals))
    os.kill(cpid, 9)
    exit_of(b)

    # 5. the host's procfs bind-mounted into a container (own pid namespace, no user namespace,
    # default capabilities): the handed-over monitor's exe can be neither resolved nor written
    spec = base_spec(False, userns=False)
    spec["mounts"].append({"destination": "/data", "type": "bind", "source": "/proc", "options": ["rbind", "ro"]})
    spec["process"]["args"] = ["/probe", "sleep", "1", "hostparent", "/data"]
    lines, ex, log, b = run_shim(spec, False)
    v = probe_values(log)
    ok(v.get("hostparent_pid", "0") != "0" and "hostparent_exe" not in v
       and v.get("hostparent_exe_write") in ("Permission denied", "Operation not permitted"),
       "root: through a bind-mounted host /proc the monitor's exe is neither readable nor writable",
       {k: x for k, x in v.items() if k.startswith("hostparent")})


def run_shim_detached(spec, rootless):
    """Starts a bundle and returns once the shim answered (the container keeps running)."""
    b = make_bundle(spec)
    r, w = os.pipe()
    subprocess.run(user_cmd(rootless, ["env", "_SKIFF_SYNC_FD=%d" % w, SHIM, "run", "--bundle", b, "--id",
                                       "d%d" % counter[0], "--exit-file", b + "/exit.json", "--log-file",
                                       b + "/ctr.log", "--pid-file", b + "/pid"]), pass_fds=(w,))
    os.close(w)
    lines = [json.loads(l) for l in read_to_eof(r).decode().splitlines() if l.strip()]
    return lines, None, None, b


def security_extras(rootless):
    tag = "rootless" if rootless else "root"
    profile = {"defaultAction": "SCMP_ACT_ALLOW",
               "syscalls": [{"names": ["mkdir", "mkdirat"], "action": "SCMP_ACT_ERRNO", "errnoRet": 1}]}
    for nnp in (True, False):
        spec = base_spec(rootless)
        spec["linux"]["seccomp"] = profile
        spec["process"]["noNewPrivileges"] = nnp
        spec["process"]["args"] = ["/bin/sh", "-c", "/probe report 1; mkdir /tmp/d 2>&1; echo rc=$?"]
        cache = os.path.join(WORK, "cache-%s" % tag)
        os.makedirs(cache, exist_ok=True)
        os.chmod(cache, 0o777)
        lines, ex, log, b = run_shim(spec, rootless, ["--cache-dir", cache])
        v = probe_values(log)
        ok(ex is not None and v.get("status.Seccomp") == "2" and "Operation not permitted" in log
           and v.get("rc") == "1" and v.get("status.NoNewPrivs") == ("1" if nnp else "0")
           and v.get("status.CapEff") == "00000000800405fb",
           "%s: seccomp filter enforced with no_new_privs %s (loaded %s the capability drop)"
           % (tag, "on" if nnp else "off", "after" if nnp else "before"), (lines, log))

    # a non-root user gets no effective capabilities (caps.h) and the uid switch keeps maps
    spec = base_spec(rootless)
    spec["process"]["user"] = {"uid": 1000, "gid": 1000}
    spec["process"]["capabilities"]["effective"] = []
    spec["process"]["capabilities"]["permitted"] = []
    lines, ex, log, b = run_shim(spec, rootless)
    v = probe_values(log)
    ok(v.get("status.CapEff") == "0000000000000000" and v.get("status.Uid") == "1000 1000 1000 1000",
       "%s: uid 1000 with no effective capabilities" % tag, v)

    # no network namespace: sysfs cannot be mounted in a user namespace -> the host's, read-only
    spec = base_spec(rootless)
    spec["linux"]["namespaces"] = [n for n in spec["linux"]["namespaces"] if n["type"] != "network"]
    lines, ex, log, b = run_shim(spec, rootless)
    v = probe_values(log)
    ok(ex is not None and v.get("mnt./sys", "").startswith("ro,"),
       "%s: /sys read-only without a network namespace (sysfs or host bind)" % tag, (lines, v.get("mnt./sys")))

    # sysctl in the container's network namespace, umask, env, cwd
    spec = base_spec(rootless)
    spec["linux"]["sysctl"] = {"net.ipv4.ip_forward": "1"}
    spec["domainname"] = "skiff.example"
    spec["process"]["oomScoreAdj"] = 500
    spec["process"]["user"]["umask"] = 0o077
    spec["process"]["cwd"] = "/tmp"
    spec["process"]["env"].append("SKIFF_X=42")
    spec["process"]["args"] = ["/bin/sh", "-c",
                               "echo fwd=$(cat /proc/sys/net/ipv4/ip_forward); echo umask=$(umask); "
                               "echo pwd=$(pwd); echo x=$SKIFF_X; echo oom=$(cat /proc/self/oom_score_adj); "
                               "echo dn=$(cat /proc/sys/kernel/domainname)"]
    lines, ex, log, b = run_shim(spec, rootless)
    v = probe_values(log)
    ok(v.get("fwd") == "1" and v.get("umask") == "0077" and v.get("pwd") == "/tmp" and v.get("x") == "42"
       and v.get("oom") == "500" and v.get("dn") == "skiff.example",
       "%s: linux.sysctl, umask, cwd, env, oomScoreAdj and domainname applied" % tag, (lines, v))

    # warnings before the pid: resource limits without a writable cgroup
    spec = base_spec(rootless)
    spec["linux"]["resources"] = {"memory": {"limit": 100000000}}
    lines, ex, log, b = run_shim(spec, rootless)
    ok(len(lines) == 2 and "resource limits ignored" in lines[0].get("warning", "") and "pid" in lines[1],
       "%s: {\"warning\"} line before {\"pid\"} (limits without a writable cgroup)" % tag, lines)

    # dev.skiff.cgroup.path: limits then the pid go to the named directory's files.  This host has
    # no writable (delegated) cgroup, so a directory with the same file names stands in for one.
    cg = os.path.join(WORK, "fakecg-%s" % tag)
    os.makedirs(cg, exist_ok=True)
    for f in ["cgroup.procs", "memory.max", "pids.max", "cpu.max"]:
        open(os.path.join(cg, f), "w").close()
        os.chmod(os.path.join(cg, f), 0o666)
    spec = base_spec(rootless)
    spec["annotations"] = {"dev.skiff.cgroup.path": cg}
    spec["linux"]["resources"] = {"memory": {"limit": 100000000}, "pids": {"limit": 50},
                                  "cpu": {"quota": 50000, "period": 100000}}
    lines, ex, log, b = run_shim(spec, rootless)
    got = {f: open(os.path.join(cg, f)).read() for f in ["cgroup.procs", "memory.max", "pids.max", "cpu.max"]}
    pid = [l["pid"] for l in lines if "pid" in l]
    ok(pid and got == {"cgroup.procs": str(pid[0]), "memory.max": "100000000", "pids.max": "50",
                       "cpu.max": "50000 100000"} and not any("warning" in l for l in lines),
       "%s: cgroup annotation: limits and pid written to the directory's files" % tag, (lines, got))

    # MAC requested on a host without the LSM: a clear error, never a silent skip
    spec = base_spec(rootless)
    spec["process"]["apparmorProfile"] = "skiff-default"
    lines, ex, log, b = run_shim(spec, rootless)
    e = error_of(lines)
    ok(e and "AppArmor is not enabled on this host" in e["message"] and not any("pid" in l for l in lines),
       "%s: apparmorProfile without AppArmor is an error" % tag, lines)

    # the shim is detached: own session, not a child of whoever started it
    spec = base_spec(rootless)
    spec["process"]["args"] = ["/bin/sleep", "5"]
    b = make_bundle(spec)
    r, w = os.pipe()
    exit_file = os.path.join(b, "exit.json")
    starter = subprocess.Popen(user_cmd(rootless, ["env", "_SKIFF_SYNC_FD=%d" % w, SHIM, "run", "--bundle", b,
                                                   "--id", "detach", "--exit-file", exit_file, "--log-file",
                                                   os.path.join(b, "log"), "--pid-file", os.path.join(b, "pid")]),
                               pass_fds=(w,))
    os.close(w)
    os.read(r, 4096)
    os.close(r)
    starter.wait()
    cpid = int(open(os.path.join(b, "pid")).read())
    stat = open("/proc/%d/stat" % cpid).read().rsplit(")", 1)[1].split()
    shim_pid = int(stat[1])
    sstat = open("/proc/%d/stat" % shim_pid).read().rsplit(")", 1)[1].split()
    ok(int(sstat[3]) != os.getsid(0) and int(sstat[1]) != starter.pid and int(sstat[1]) != os.getpid()
       and os.path.exists("/proc/%d" % shim_pid) and starter.returncode == 0,
       "%s: the shim runs detached (own session, re-parented; the started process exited 0)" % tag, sstat[:4])
    os.kill(cpid, 9)
    deadline = time.time() + 10
    while time.time() < deadline and not os.path.exists(exit_file):
        time.sleep(0.02)
    ex = json.load(open(exit_file)) if os.path.exists(exit_file) else None
    ok(ex and ex["exitCode"] == 137 and ex["signal"] == 9, "%s: SIGKILLed container -> exitCode 137, signal 9" % tag, ex)

    if rootless:
        # a map of exactly the user's own id is written without newuidmap (setgroups deny)
        spec = base_spec(rootless)
        one = [{"containerID": 0, "hostID": UID, "size": 1}]
        spec["linux"]["uidMappings"] = one
        spec["linux"]["gidMappings"] = [{"containerID": 0, "hostID": GID, "size": 1}]
        saved = os.environ["PATH"]
        lines, ex, log, b = run_shim(spec, rootless)
        v = probe_values(log)
        ok(v.get("uid_map.0") == "0 %d 1" % UID and v.get("gid_map.0") == "0 %d 1" % GID and "uid_map.1" not in v,
           "rootless: single own-id map written directly", (lines, v.get("uid_map.0")))
        return
    # no pid namespace (so no user namespace either: proc needs its pid namespace): the probe sees
    # the shim as its parent; its /proc/PID/exe is the sealed memfd copy.  With CAP_SYS_PTRACE:
    # without it ptrace access checks already hide the shim's exe from the container.
    spec = base_spec(rootless, userns=False)
    spec["linux"]["namespaces"] = [n for n in spec["linux"]["namespaces"] if n["type"] != "pid"]
    spec["process"]["capabilities"] = {k: CAPS + ["CAP_SYS_PTRACE"] for k in ["bounding", "effective", "permitted"]}
    lines, ex, log, b = run_shim(spec, rootless)
    v = probe_values(log)
    ok(v.get("parent_exe", "").startswith("/memfd:skiff-shim")
       and v.get("parent_exe_write") in ("Text file busy", "Operation not permitted", "Permission denied"),
       "root: the shim seen from the container is a sealed memfd, not writable (CVE-2019-5736)",
       (v.get("parent_exe"), v.get("parent_exe_write")))

    # joining an existing UTS namespace by path
    holder = subprocess.Popen(["unshare", "--uts", "sh", "-c", "hostname joined-uts; exec sleep 30"])
    time.sleep(0.3)
    spec = base_spec(rootless, userns=False)
    spec["linux"]["namespaces"] = [n for n in spec["linux"]["namespaces"] if n["type"] != "uts"]
    spec["linux"]["namespaces"].append({"type": "uts", "path": "/proc/%d/ns/uts" % holder.pid})
    del spec["hostname"]
    lines, ex, log, b = run_shim(spec, rootless)
    holder.kill()
    holder.wait()
    v = probe_values(log)
    ok(v.get("hostname") == "joined-uts", "root: joins a UTS namespace by path (setns)", (lines, v.get("hostname")))
    ok(v.get("status.CapEff") == "00000000800405fb" and v.get("uid_map.0") == "0 0 4294967295",
       "root: without a user namespace: real root with the default capabilities", v)


def differential(rootless):
    tag = "rootless" if rootless else "root"
    spec = base_spec(rootless)
    lines, ex, log, b = run_shim(spec, rootless)
    mine = probe_values(log)
    keys = ["hostname", "status.CapInh", "status.CapPrm", "status.CapEff", "status.CapBnd", "status.CapAmb",
            "status.NoNewPrivs", "uid_map.0", "uid_map.1", "gid_map.0", "gid_map.1", "rlimit.nofile",
            "fds_above_2"]
    for rt in ["runc", "crun"]:
        rb = make_bundle(spec)
        state = os.path.join(rb, "state")
        os.makedirs(state)
        os.chmod(state, 0o777)
        cmd = [rt, "--root", state]
        if rt == "crun":
            cmd.append("--cgroup-manager=disabled")
        cmd += ["run", "--bundle", rb, "diff-%s-%d" % (rt, counter[0])]
        env = dict(os.environ)
        if rootless:
            env["XDG_RUNTIME_DIR"] = state
        cmd = user_cmd(rootless, cmd)
        if rt == "crun":
            # crun refuses hybrid cgroups (even with --cgroup-manager=disabled): hide the v2
            # hierarchy from it in a private mount namespace so it sees plain v1
            cmd = ["unshare", "-m", "--propagation", "private", "sh", "-c",
                   'umount -l /sys/fs/cgroup/unified 2>/dev/null; exec "$@"', "sh"] + cmd
        p = subprocess.run(cmd, capture_output=True, text=True, timeout=60, env=env)
        theirs = {}
        for line in p.stdout.splitlines():
            if "=" in line:
                k, v = line.split("=", 1)
                theirs[k] = v
        if p.returncode != 0 or not theirs:
            ok(False, "%s: differential vs %s (%s did not run the bundle)" % (tag, rt, rt), p.stderr)
            continue
        diff = {k: (mine.get(k), theirs.get(k)) for k in keys if mine.get(k) != theirs.get(k)}
        ok(not diff, "%s: differential vs %s: caps/NoNewPrivs/maps/hostname/rlimits/fds identical" % (tag, rt), diff)


# ---- terminal, stdin and the attach socket ---------------------------------------------------

def frame(kind, payload=b""):
    return bytes([kind, 0, 0, 0]) + len(payload).to_bytes(4, "big") + payload


class AttachClient:
    """A client of the shim's attach socket (docs/shim-protocol.md): 8-byte framed both ways."""

    def __init__(self, path, timeout=15):
        import socket
        deadline = time.time() + timeout
        while True:
            self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            try:
                self.sock.connect(path)
                break
            except OSError:
                self.sock.close()
                if time.time() > deadline:
                    raise
                time.sleep(0.02)
        self.sock.settimeout(timeout)

    def send(self, kind, payload=b""):
        self.sock.sendall(frame(kind, payload))

    def stdin(self, data):
        for i in range(0, len(data), 32768):
            self.send(0, data[i:i + 32768])

    def resize(self, rows, cols):
        self.send(2, rows.to_bytes(2, "big") + cols.to_bytes(2, "big"))

    def read_all(self):
        """Frames until EOF: {stream: bytes}."""
        data = b""
        try:
            while True:
                chunk = self.sock.recv(65536)
                if not chunk:
                    break
                data += chunk
        except OSError:
            pass
        out = {1: b"", 2: b""}
        while len(data) >= 8:
            n = int.from_bytes(data[4:8], "big")
            out[data[0]] = out.get(data[0], b"") + data[8:8 + n]
            data = data[8 + n:]
        return out

    def close(self):
        self.sock.close()


def start_attached(spec, rootless, extra=(), sock_name="attach"):
    """Starts a bundle with --attach-socket; returns (bundle, socket path, sync lines)."""
    b = make_bundle(spec)
    path = os.path.join(b, sock_name)
    r, w = os.pipe()
    cmd = user_cmd(rootless, ["env", "_SKIFF_SYNC_FD=%d" % w, SHIM, "run", "--bundle", b, "--id", "tty%d" % counter[0],
                              "--exit-file", b + "/exit.json", "--log-file", b + "/ctr.log", "--pid-file", b + "/pid",
                              "--attach-socket", path] + list(extra))
    subprocess.run(cmd, pass_fds=(w,), stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL)
    os.close(w)
    data = read_to_eof(r)
    return b, path, [json.loads(l) for l in data.decode().splitlines() if l.strip()]


def exit_of(b, timeout=15):
    deadline = time.time() + timeout
    while time.time() < deadline and not os.path.exists(b + "/exit.json"):
        time.sleep(0.01)
    return json.load(open(b + "/exit.json")) if os.path.exists(b + "/exit.json") else None


def attach_tests(rootless):
    tag = "rootless" if rootless else "root"
    spec = base_spec(rootless)
    spec["process"]["terminal"] = True
    spec["process"]["args"] = ["/bin/sh"]
    spec["process"]["user"] = {"uid": 1000, "gid": 1000}

    b, path, lines = start_attached(spec, rootless, ["--hold-output", "--console-size", "30x100"])
    mode = os.stat(path).st_mode & 0o777 if os.path.exists(path) else None
    c = AttachClient(path)
    c.send(3)
    c.stdin(b"tty; stty size; ls -ln $(tty) | cut -c1-30; echo hi-$((1+1)); exit 3\n")
    out = c.read_all()[1].decode(errors="replace")
    ex = exit_of(b)
    ok(ex and ex["exitCode"] == 3 and "/dev/pts/0" in out and "30 100" in out and "hi-2\r\n" in out
       and " 1000 " in out and mode == 0o600,
       "%s: terminal: a pty of the container's devpts as stdio, owned by the user, initial size, exit 3" % tag,
       (lines, ex, out, oct(mode or 0)))
    log = open(b + "/ctr.log", newline="").read()
    ok("stdout F hi-2\r\n" in log, "%s: terminal output is logged as stdout" % tag, repr(log[-300:]))
    ok(not os.path.exists(path), "%s: the attach socket is removed when the container exits" % tag)

    b, path, lines = start_attached(spec, rootless)
    c = AttachClient(path)
    c.resize(40, 120)
    time.sleep(0.2)
    c.close()  # a detach: the container runs on
    time.sleep(0.2)
    running = not os.path.exists(b + "/exit.json")
    c = AttachClient(path)
    c.stdin(b"stty size; exit 5\n")
    out = c.read_all()[1].decode(errors="replace")
    ex = exit_of(b)
    ok(running and ex and ex["exitCode"] == 5 and "40 120" in out,
       "%s: resize frames set the terminal size; a client leaving is a detach; re-attach works" % tag,
       (running, ex, out))

    plain = base_spec(rootless)
    plain["process"]["args"] = ["/bin/sh", "-c", "cat; echo done >&2"]
    b, path, lines = start_attached(plain, rootless, ["--stdin"])
    c = AttachClient(path)
    c2 = AttachClient(path)
    c.stdin(b"hello\n" + b"x" * 100000 + b"\n")
    c.send(1)
    out, out2 = c.read_all(), c2.read_all()
    ex = exit_of(b)
    ok(ex and ex["exitCode"] == 0 and out[1] == b"hello\n" + b"x" * 100000 + b"\n" and out[2] == b"done\n"
       and out2 == out,
       "%s: --stdin: a pipe fed by a client, closed by its close-stdin frame; every client gets the output" % tag,
       (ex, out[1][:40], len(out[1]), out[2], len(out2[1])))

    early = base_spec(rootless)
    early["process"]["args"] = ["/bin/echo", "early-bird"]
    b, path, lines = start_attached(early, rootless, ["--hold-output"])
    time.sleep(0.5)
    held = not os.path.exists(b + "/exit.json")
    c = AttachClient(path)
    c.send(3)
    out = c.read_all()
    ex = exit_of(b)
    ok(held and ex and ex["exitCode"] == 0 and out[1] == b"early-bird\n",
       "%s: --hold-output: output made before the client attached reaches it" % tag, (held, ex, out))

    b, path, lines = start_attached(early, rootless, ["--hold-output"])
    ex = exit_of(b, timeout=20)
    ok(ex and ex["exitCode"] == 0 and "early-bird" in open(b + "/ctr.log").read(),
       "%s: --hold-output without any client: released after the hold time" % tag, ex)

    # exec with a terminal into a running container
    run = base_spec(rootless)
    run["process"]["args"] = ["/bin/sleep", "20"]
    b, path, lines = start_attached(run, rootless)
    cpid = int(open(b + "/pid").read())
    proc = copy.deepcopy(spec["process"])
    pf = os.path.join(b, "proc.json")
    json.dump(proc, open(pf, "w"))
    epath = os.path.join(b, "exec.sock")
    r, w = os.pipe()
    subprocess.run(user_cmd(rootless, ["env", "_SKIFF_SYNC_FD=%d" % w, SHIM, "exec", "--bundle", b, "--id", "ex",
                                       "--pid", str(cpid), "--process", pf, "--exit-file", b + "/exec-exit.json",
                                       "--log-file", b + "/exec.log", "--attach-socket", epath, "--hold-output",
                                       "--console-size", "12x34"]), pass_fds=(w,))
    os.close(w)
    sync = os.read(r, 4096)
    os.close(r)
    c = AttachClient(epath)
    c.send(3)
    c.stdin(b"tty; stty size; id -u; exit 7\n")
    out = c.read_all()[1].decode(errors="replace")
    deadline = time.time() + 10
    while time.time() < deadline and not os.path.exists(b + "/exec-exit.json"):
        time.sleep(0.01)
    ex = json.load(open(b + "/exec-exit.json")) if os.path.exists(b + "/exec-exit.json") else None
    ok(ex and ex["exitCode"] == 7 and "/dev/pts/" in out and "12 34" in out and "1000" in out,
       "%s: exec with a terminal: pty, size, user, exit code" % tag, (sync, ex, out))
    os.kill(cpid, 9)
    exit_of(b)

    bad = base_spec(rootless)
    b = make_bundle(bad)
    r = subprocess.run(user_cmd(rootless, [SHIM, "run", "--bundle", b, "--id", "x", "--exit-file", b + "/e",
                                           "--log-file", b + "/l", "--attach-socket", "/" + "a" * 120]),
                       capture_output=True, text=True)
    oci = base_spec(rootless)
    oci["process"]["terminal"] = True
    b = make_bundle(oci)
    r2 = subprocess.run(user_cmd(rootless, [SHIM, "--root", b + "/state", "run", "--bundle", b, "ocitty"]),
                        capture_output=True, text=True, stdin=subprocess.DEVNULL)
    ok(r2.returncode != 0 and "--console-socket is not supported" in r2.stderr,
       "%s: OCI command line: a terminal (needs --console-socket) is refused" % tag, (r2.returncode, r2.stderr))
    ok(r.returncode == 1 and "\"errno\":36" in r.stdout and "File name too long" in r.stdout,
       "%s: an attach socket path too long for sun_path is a clear error" % tag, (r.returncode, r.stdout, r.stderr))


def copy_shifted_tests(rootless):
    """`skiff-shim userns-run` op copy-shifted: a layer copy with every owner moved through a shift."""
    tag = "rootless" if rootless else "root"
    base = SUBUID if rootless else 200000  # (uid and gid maps alike: skifftest's ids and ranges match)
    maps = ([{"containerID": 0, "hostID": UID, "size": 1}, {"containerID": 1, "hostID": base, "size": 65536}]
            if rootless else [{"containerID": 0, "hostID": base, "size": 65536}])

    def host(ns):  # host id of namespace id ns
        return (UID if ns == 0 else base + ns - 1) if rootless else base + ns

    top = tempfile.mkdtemp(prefix="cs-", dir=WORK)
    os.chmod(top, 0o755)
    os.chown(top, host(0), host(0))  # the namespace's root creates the copies there
    src = os.path.join(top, "src")
    os.makedirs(os.path.join(src, "d"))
    with open(os.path.join(src, "f"), "wb") as fh:
        fh.write(b"x" * 300000)
    os.link(os.path.join(src, "f"), os.path.join(src, "f2"))
    os.symlink("/etc/shadow", os.path.join(src, "s"))
    os.mkfifo(os.path.join(src, "p"))
    os.mknod(os.path.join(src, "w"), 0o600 | 0o020000, os.makedev(0, 0))
    os.setxattr(os.path.join(src, "d"), "user.overlay.opaque", b"y")
    for rel, ns, mode in [("", 0, 0o755), ("d", 5, 0o750), ("f", 0, 0o4755), ("s", 7, None), ("p", 0, 0o640),
                          ("w", 0, 0o600)]:
        path = os.path.join(src, rel) if rel else src
        os.lchown(path, host(ns), host(ns + 1 if rel == "d" else ns))
        if mode is not None:
            os.chmod(path, mode)
    os.utime(os.path.join(src, "f"), (1000000000, 1000000000))

    def copy(target, shift):
        req = {"linux": {"uidMappings": maps, "gidMappings": maps}, "op": "copy-shifted", "source": src,
               "target": target, "uidShift": shift, "gidShift": shift}
        return subprocess.run(user_cmd(rootless, [SHIM, "userns-run"]), input=json.dumps(req).encode(),
                              capture_output=True, timeout=60)

    dst = os.path.join(top, "dst")
    r = copy(dst, [{"from": 0, "to": 10, "size": 1000}])
    ok(r.returncode == 0 and b'"done":5' in r.stdout, "copy-shifted (%s) copies the tree" % tag, r)
    if r.returncode != 0:
        return
    st = {n: os.lstat(os.path.join(dst, n)) for n in ["d", "f", "f2", "s", "p", "w"]}
    ok(os.lstat(dst).st_uid == host(10) and st["d"].st_uid == host(15) and st["d"].st_gid == host(16)
       and st["f"].st_uid == host(10) and st["s"].st_uid == host(17),
       "copy-shifted (%s): every owner moved by the shift" % tag, {k: (v.st_uid, v.st_gid) for k, v in st.items()})
    ok(st["f"].st_mode & 0o7777 == 0o4755 and st["d"].st_mode & 0o7777 == 0o750 and st["p"].st_mode & 0o777 == 0o640,
       "copy-shifted (%s): modes kept, setuid after the chown" % tag, oct(st["f"].st_mode))
    ok(st["f"].st_ino == st["f2"].st_ino and st["f"].st_nlink == 2 and st["f"].st_size == 300000
       and int(st["f"].st_mtime) == 1000000000,
       "copy-shifted (%s): hard link kept, data and mtime copied" % tag)
    ok(os.readlink(os.path.join(dst, "s")) == "/etc/shadow" and (st["p"].st_mode & 0o170000) == 0o010000
       and (st["w"].st_mode & 0o170000) == 0o020000 and st["w"].st_rdev == 0,
       "copy-shifted (%s): symlink not followed, fifo and 0/0 whiteout recreated" % tag)
    ok(os.getxattr(os.path.join(dst, "d"), "user.overlay.opaque") == b"y",
       "copy-shifted (%s): xattrs kept (overlay opaque marker)" % tag)
    r = copy(os.path.join(top, "dst2"), [{"from": 0, "to": 10, "size": 6}])
    ok(r.returncode == 1 and b"owner uid 7 of `s` has no id in the container's map" in r.stdout,
       "copy-shifted (%s): an owner the shift lacks is an error naming the path" % tag, r)
    r = copy(dst, [{"from": 0, "to": 10, "size": 1000}])
    ok(r.returncode == 1 and b"create target" in r.stdout, "copy-shifted (%s): an existing target is refused" % tag, r)


def main():
    if os.geteuid() != 0:
        print("1..0 # SKIP bundle tests need root")
        return 0
    build_rootfs()
    suite(False)
    attach_tests(False)
    exec_tests(False)
    handover_tests(False)
    oci_cli(False)
    robustness(False)
    security_extras(False)
    differential(False)
    copy_shifted_tests(False)
    try:
        subprocess.run(["id", USER], check=True, capture_output=True)
        have_user = True
    except subprocess.CalledProcessError:
        have_user = False
    if have_user:
        suite(True)
        attach_tests(True)
        exec_tests(True)
        handover_tests(True)
        oci_cli(True)
        robustness(True)
        security_extras(True)
        differential(True)
        copy_shifted_tests(True)
    else:
        skip("rootless suite", "no user %s" % USER)
    time.sleep(0.5)
    leftovers = []
    for pid in os.listdir("/proc"):
        try:
            if pid.isdigit() and WORK in open("/proc/%s/cmdline" % pid).read().replace("\0", " "):
                leftovers.append(pid)
        except OSError:
            pass
    ok(not leftovers and WORK not in open("/proc/self/mountinfo").read(),
       "no shim or container process and no mount left from any test bundle", leftovers)
    print("1..%d" % n_test)
    subprocess.run(["rm", "-rf", "--one-file-system", WORK])
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
