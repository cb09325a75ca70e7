#!/usr/bin/python3
"""bench.py -- wall time of `skiff-shim run` of `true` vs runc/crun, log ingest, and the supervising shim's
memory (as root only: shim_memory.py measures it per mapping, mean of N shims).

Run as the unprivileged user (rootless, 65536-ID map via newuidmap), e.g. as root:
  unshare -m sh -c 'umount -l /sys/fs/cgroup/unified; exec runuser -u skifftest -- \
      env SHIM=... ROOTFS=... python3 bench.py'
(the private mount namespace only hides the cgroup v2 hierarchy that makes crun refuse hybrid mode).
The shim is timed the way the daemon uses it: from spawn until the exit file exists; "shim OCI" is
`skiff-shim --root DIR run --bundle B ID`, the OCI command line, timed like crun and runc.
HOLDER=PIDFILE (made by `skiff-shim holder --pid-file PIDFILE --uid-map 0:UID:1,1:100000:65536 --gid-map ...`)
times the daemon's rootless path: `run --userns-holder PIDFILE`, maps written directly, no newuidmap.
"""
import json, os, statistics, subprocess, sys, tempfile, time

SHIM = os.environ["SHIM"]
ROOTFS = os.environ["ROOTFS"]
RUNS = int(os.environ.get("RUNS", "50"))
uid = os.getuid()
maps = [{"containerID": 0, "hostID": uid, "size": 1}, {"containerID": 1, "hostID": 100000, "size": 65535}]
spec = {
    "ociVersion": "1.0.2",
    "process": {"user": {"uid": 0, "gid": 0}, "args": ["/bin/true"], "env": ["PATH=/bin"], "cwd": "/",
                "capabilities": {k: ["CAP_CHOWN", "CAP_KILL", "CAP_SETUID", "CAP_SETGID"]
                                 for k in ["bounding", "effective", "permitted"]},
                "noNewPrivileges": True},
    "root": {"path": ROOTFS, "readonly": True},
    "hostname": "bench",
    "mounts": [{"destination": "/proc", "type": "proc", "source": "proc"},
               {"destination": "/dev", "type": "tmpfs", "source": "tmpfs", "options": ["nosuid", "mode=755"]},
               {"destination": "/sys", "type": "sysfs", "source": "sysfs", "options": ["ro", "nosuid", "nodev", "noexec"]}],
    "linux": {"namespaces": [{"type": t} for t in ["user", "pid", "network", "ipc", "uts", "mount"]],
              "uidMappings": maps, "gidMappings": maps,
              "maskedPaths": ["/proc/kcore", "/proc/keys"], "readonlyPaths": ["/proc/sys"]},
}
work = tempfile.mkdtemp(prefix="skiff-bench-")
bundle = os.path.join(work, "bundle")
os.makedirs(bundle)
json.dump(spec, open(os.path.join(bundle, "config.json"), "w"))


def shim_once(i, args=None):
    exit_file = os.path.join(work, "exit%d" % i)
    r, w = os.pipe()
    t0 = time.perf_counter()
    p = subprocess.Popen([SHIM, "run", "--bundle", bundle, "--id", "b%d" % i, "--exit-file", exit_file,
                          "--log-file", os.path.join(work, "log%d" % i)] + (args or []) +
                         (["--userns-holder", os.environ["HOLDER"]] if os.environ.get("HOLDER") else []),
                         env={"_SKIFF_SYNC_FD": str(w)}, pass_fds=(w,))
    os.close(w)
    line = os.read(r, 4096)
    os.close(r)
    while not os.path.exists(exit_file):
        time.sleep(0.0005)
    dt = time.perf_counter() - t0
    p.wait()
    assert b'"pid"' in line, line
    return dt


def runtime_once(rt, i):
    name = os.path.basename(rt)
    state = os.path.join(work, "state-" + name)
    cmd = [rt, "--root", state] + (["--cgroup-manager=disabled"] if rt == "crun" else []) + \
          ["run", "--bundle", bundle, "%s%d" % (name, i)]
    t0 = time.perf_counter()
    subprocess.run(cmd, check=True, env={"XDG_RUNTIME_DIR": work, "PATH": os.environ["PATH"]})
    return time.perf_counter() - t0


def median_ms(xs):
    return "%.1f ms (min %.1f, max %.1f)" % (statistics.median(xs) * 1e3, min(xs) * 1e3, max(xs) * 1e3)


results = {}
shim_once(-1)
results["skiff-shim"] = [shim_once(i) for i in range(RUNS)]
# the OCI `run ID` command line; COMPARE=0 times skiff-shim alone
for label, rt in [("shim OCI", SHIM), ("crun", "crun"), ("runc", "runc")] if os.environ.get("COMPARE") != "0" else []:
    try:
        runtime_once(rt, -1)
        results[label] = [runtime_once(rt, i) for i in range(RUNS)]
    except Exception as e:  # reported, not hidden
        results[label] = None
        print("%s: failed: %s" % (label, e))
for k, v in results.items():
    if v:
        print("%-10s run of true, median of %d: %s" % (k, RUNS, median_ms(v)))

# log throughput: 256 MiB of output in 4 KiB lines, and 20 MiB in 2-byte lines ("a\n", the issue's
# case: each becomes a 42-byte record), through the shim into the k8s-file log; median of LOG_RUNS
for base, label, mib, script in [(1000, "4 KiB lines", 256, "head -c 268435456 /dev/zero | tr '\\0' 'x' | fold -w 4095"),
                                 (2000, "2-byte lines", 20, "yes a | head -c 20971520")]:
    spec["process"]["args"] = ["/bin/sh", "-c", script]
    json.dump(spec, open(os.path.join(bundle, "config.json"), "w"))
    ts = []
    for k in range(int(os.environ.get("LOG_RUNS", "3"))):
        ts.append(shim_once(base + k))
        size = os.path.getsize(os.path.join(work, "log%d" % (base + k)))
        os.unlink(os.path.join(work, "log%d" % (base + k)))
    t = statistics.median(ts)
    print("log throughput, %s: %d MiB of container output in %.2f s (%.0f MiB/s), log file %d MiB"
          % (label, mib, t, mib / t, size >> 20))

# memory of a supervising shim whose container sleeps
spec["process"]["args"] = ["/bin/sleep", "30"]
json.dump(spec, open(os.path.join(bundle, "config.json"), "w"))
exit_file = os.path.join(work, "exit-mem")
r, w = os.pipe()
subprocess.run([SHIM, "run", "--bundle", bundle, "--id", "mem", "--exit-file", exit_file,
                "--log-file", os.path.join(work, "log-mem"), "--pid-file", os.path.join(work, "pid-mem")],
               env={"_SKIFF_SYNC_FD": str(w)}, pass_fds=(w,))
os.close(w)
os.read(r, 4096)
os.close(r)
cpid = int(open(os.path.join(work, "pid-mem")).read())
shim_pid = int(open("/proc/%d/stat" % cpid).read().rsplit(")", 1)[1].split()[1])
time.sleep(0.2)
vals = {}
try:
    for line in open("/proc/%d/smaps_rollup" % shim_pid):
        parts = line.split()
        if len(parts) >= 3 and parts[1].isdigit():
            vals[parts[0].rstrip(":")] = int(parts[1])
    uss = vals.get("Private_Clean", 0) + vals.get("Private_Dirty", 0)
    print("supervising shim (pid %d): Rss %d kB, Pss %d kB, USS %d kB" % (shim_pid, vals["Rss"], vals["Pss"], uss))
except PermissionError:  # the monitor makes itself non-dumpable once it left the memfd (handover.h)
    print("supervising shim (pid %d): its smaps need root (not dumpable): run shim_memory.py as root" % shim_pid)
os.kill(cpid, 9)
while not os.path.exists(exit_file):
    time.sleep(0.01)
subprocess.run(["rm", "-rf", work])
