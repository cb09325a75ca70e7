#!/usr/bin/python3
"""shim_memory.py -- where the pages of a supervising skiff-shim are: Rss, Pss and USS (private
pages) of the monitor of a sleeping container, per mapping and in total, mean of N shims.

Run as root (it reads the monitor's smaps; the shims run rootless as SKIFF_TEST_USER with a
65536-ID map through newuidmap, like bench.py):
  SHIM=src/main/native/skiff-shim ROOTFS=/path/to/busybox-rootfs [N=5] [DETAIL=1] [HOLD=S] python3 shim_memory.py
The N shims run at the same time (shared pages are then really shared, as on a busy host).
CMD="..." runs that shell command instead of `sleep 60` (e.g. output first: "yes a | head -c 1000000;
exec sleep 60"), WAIT=S measures S seconds after the start (0.5).  DETAIL=1 prints the per-mapping table of the first shim; HOLD=S prints the monitors' pids and keeps
them S seconds before stopping them.  _SKIFF_NO_HANDOVER=1 (the monitor stays on the sealed copy)
and _SKIFF_KEEP_TEXT=1 (no unmapping of the read-only pages) are passed to the shims (handover.h).
"""
import json, os, pwd, subprocess, sys, tempfile, time

SHIM = os.path.abspath(os.environ["SHIM"])
ROOTFS = os.environ["ROOTFS"]
N = int(os.environ.get("N", "5"))
USER = os.environ.get("SKIFF_TEST_USER", "skifftest")
uid = pwd.getpwnam(USER).pw_uid
maps = [{"containerID": 0, "hostID": uid, "size": 1}, {"containerID": 1, "hostID": 100000, "size": 65535}]
spec = {
    "ociVersion": "1.0.2",
    "process": {"user": {"uid": 0, "gid": 0},
                "args": ["/bin/sh", "-c", os.environ["CMD"]] if os.environ.get("CMD") else ["/bin/sleep", "60"],
                "env": ["PATH=/bin"], "cwd": "/",
                "capabilities": {k: ["CAP_CHOWN", "CAP_KILL", "CAP_SETUID", "CAP_SETGID"]
                                 for k in ["bounding", "effective", "permitted"]},
                "noNewPrivileges": True},
    "root": {"path": ROOTFS, "readonly": True},
    "hostname": "mem",
    "mounts": [{"destination": "/proc", "type": "proc", "source": "proc"},
               {"destination": "/dev", "type": "tmpfs", "source": "tmpfs", "options": ["nosuid", "mode=755"]}],
    "linux": {"namespaces": [{"type": t} for t in ["user", "pid", "network", "ipc", "uts", "mount"]],
              "uidMappings": maps, "gidMappings": maps},
}
work = tempfile.mkdtemp(prefix="skiff-shimmem-")
os.chmod(work, 0o777)
bundle = os.path.join(work, "bundle")
os.makedirs(bundle)
with open(os.path.join(bundle, "config.json"), "w") as f:
    json.dump(spec, f)
os.chmod(bundle, 0o755)


def start(i):
    r, w = os.pipe()
    knobs = ["%s=%s" % (k, os.environ[k]) for k in ("_SKIFF_NO_HANDOVER", "_SKIFF_KEEP_TEXT") if k in os.environ]
    subprocess.run(["runuser", "-u", USER, "--", "env", "_SKIFF_SYNC_FD=%d" % w] + knobs + [SHIM, "run", "--bundle", bundle,
                    "--id", "m%d" % i, "--exit-file", os.path.join(work, "exit%d" % i),
                    "--log-file", os.path.join(work, "log%d" % i), "--pid-file", os.path.join(work, "pid%d" % i),
                    "--attach-socket", os.path.join(work, "attach%d" % i)],
                   pass_fds=(w,), check=True)
    os.close(w)
    line = os.read(r, 4096)
    os.close(r)
    assert b'"pid"' in line, line
    cpid = int(open(os.path.join(work, "pid%d" % i)).read())
    return cpid, int(open("/proc/%d/stat" % cpid).read().rsplit(")", 1)[1].split()[1])


def smaps(pid):
    """[(name, {field: kB})] per mapping."""
    out, cur = [], None
    for line in open("/proc/%d/smaps" % pid):
        parts = line.split()
        if "-" in parts[0] and not parts[0].endswith(":"):
            cur = {}
            name = parts[5] if len(parts) > 5 else "[anon]"
            out.append((name + " " + parts[1], cur))
        elif len(parts) >= 3 and parts[2] == "kB":
            cur[parts[0].rstrip(":")] = int(parts[1])
    return out


def totals(m):
    t = {"Rss": 0, "Pss": 0, "USS": 0}
    for _, v in m:
        t["Rss"] += v.get("Rss", 0)
        t["Pss"] += v.get("Pss", 0)
        t["USS"] += v.get("Private_Clean", 0) + v.get("Private_Dirty", 0)
    return t


shims = [start(i) for i in range(N)]
time.sleep(float(os.environ.get("WAIT", "0.5")))
all_maps = [smaps(s) for _, s in shims]
if os.environ.get("DETAIL"):
    print("%-60s %6s %6s %6s %6s %6s" % ("mapping (perms)", "Rss", "Pss", "PrCln", "PrDrt", "Shrd"))
    for name, v in all_maps[0]:
        if v.get("Rss", 0):
            print("%-60s %6d %6d %6d %6d %6d" % (name[-60:], v["Rss"], v["Pss"], v.get("Private_Clean", 0),
                                                 v.get("Private_Dirty", 0),
                                                 v.get("Shared_Clean", 0) + v.get("Shared_Dirty", 0)))
ts = [totals(m) for m in all_maps]
mean = {k: sum(t[k] for t in ts) / len(ts) for k in ts[0]}
print("supervising shim, mean of %d: Rss %.0f KiB, Pss %.0f KiB, USS %.0f KiB  (each: %s)"
      % (N, mean["Rss"], mean["Pss"], mean["USS"], ", ".join("%d/%d/%d" % (t["Rss"], t["Pss"], t["USS"]) for t in ts)))
if os.environ.get("HOLD"):  # time to look at the monitors (pids printed)
    print("monitors: %s" % " ".join(str(s) for _, s in shims), flush=True)
    time.sleep(float(os.environ["HOLD"]))
for cpid, _ in shims:
    os.kill(cpid, 9)
for i in range(N):
    deadline = time.time() + 10
    while time.time() < deadline and not os.path.exists(os.path.join(work, "exit%d" % i)):
        time.sleep(0.01)
subprocess.run(["rm", "-rf", work])
