#!/usr/bin/env python3
"""Runs skiffd the way the helm/skiff chart runs it, without a cluster: in runc containers shaped
like containerd's CRI pod containers, with the chart's arguments, hostPath directories and probes.

    pod_sim.py PROJECT_DIR SCENARIO...      (as root; needs runc, podman, curl, ip, /bin/busybox)
    pod_sim.py --image ROOTFS SCENARIO...

PROJECT_DIR is a Skiff source tree after `make build` (bin/skiffd, target/quarkus-app, the shim).
It is bind-mounted read-only together with the host's /usr, /bin, /lib, /lib64, /sbin and /etc.
With --image, the container's root is ROOTFS instead, an unpacked skiffd image (helm/image/build.sh
leaves one), and skiffd, the JVM and the probes' curl come from it.
Both mount the host's /etc read-only at /host/etc and point skiffd at its ID files, as the chart
does (daemon.hostIdFiles).
Scenarios (one JSON object per scenario on stdout):

  privileged       the chart's default: privileged, hostPID, metrics on the pod IP
  masked-caps      not privileged: the runtime's masked /proc, default caps + SYS_ADMIN, SYS_PTRACE,
                   NET_ADMIN, read-only /sys and cgroupfs
  unmasked         not privileged, /proc unmasked (procMount: Unmasked), the runtime's default caps
  pidns            privileged but with the pod's own PID namespace (hostPID: false)

What a real kubelet adds (pod sandbox, CNI, a RuntimeDefault seccomp profile, AppArmor) is not
reproduced. Only the processes and cgroups this script creates are touched.
"""
import json
import os
import secrets
import shutil
import subprocess
import sys
import tempfile
import time

ALL_CAPS = ["CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_DAC_READ_SEARCH", "CAP_FOWNER", "CAP_FSETID", "CAP_KILL",
            "CAP_SETGID", "CAP_SETUID", "CAP_SETPCAP", "CAP_LINUX_IMMUTABLE", "CAP_NET_BIND_SERVICE",
            "CAP_NET_BROADCAST", "CAP_NET_ADMIN", "CAP_NET_RAW", "CAP_IPC_LOCK", "CAP_IPC_OWNER", "CAP_SYS_MODULE",
            "CAP_SYS_RAWIO", "CAP_SYS_CHROOT", "CAP_SYS_PTRACE", "CAP_SYS_PACCT", "CAP_SYS_ADMIN", "CAP_SYS_BOOT",
            "CAP_SYS_NICE", "CAP_SYS_RESOURCE", "CAP_SYS_TIME", "CAP_SYS_TTY_CONFIG", "CAP_MKNOD", "CAP_LEASE",
            "CAP_AUDIT_WRITE", "CAP_AUDIT_CONTROL", "CAP_SETFCAP", "CAP_MAC_OVERRIDE", "CAP_MAC_ADMIN",
            "CAP_SYSLOG", "CAP_WAKE_ALARM", "CAP_BLOCK_SUSPEND", "CAP_AUDIT_READ", "CAP_PERFMON", "CAP_BPF",
            "CAP_CHECKPOINT_RESTORE"]
# containerd's CRI defaults for a non-privileged container
DEFAULT_CAPS = ["CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_FSETID", "CAP_FOWNER", "CAP_MKNOD", "CAP_NET_RAW",
                "CAP_SETGID", "CAP_SETUID", "CAP_SETFCAP", "CAP_SETPCAP", "CAP_NET_BIND_SERVICE", "CAP_SYS_CHROOT",
                "CAP_KILL", "CAP_AUDIT_WRITE"]
MASKED = ["/proc/acpi", "/proc/asound", "/proc/kcore", "/proc/keys", "/proc/latency_stats", "/proc/timer_list",
          "/proc/timer_stats", "/proc/sched_debug", "/sys/firmware", "/sys/devices/virtual/powercap", "/proc/scsi",
          "/proc/interrupts"]
READONLY = ["/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger"]
POD_IP = "10.233.0.1"
METRICS_PORT = 9100


def held_caps():
    """Capabilities this process holds: a container cannot get more (this host's root lacks some)."""
    with open("/proc/self/status") as f:
        eff = int(next(l for l in f if l.startswith("CapEff:")).split()[1], 16)
    return [c for i, c in enumerate(ALL_CAPS) if eff & (1 << i)]


def bundle_config(project, image, tmp, privileged, unmasked, caps, pidns, cgroup, netns):
    def bind(src, dst, ro=True):
        return {"destination": dst, "type": "bind", "source": src, "options": ["rbind", "ro" if ro else "rw"]}
    mounts = [
        {"destination": "/proc", "type": "proc", "source": "proc"},
        {"destination": "/dev", "type": "tmpfs", "source": "tmpfs", "options": ["nosuid", "strictatime", "mode=755"]},
        {"destination": "/dev/pts", "type": "devpts", "source": "devpts",
         "options": ["nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620", "gid=5"]},
        {"destination": "/dev/shm", "type": "tmpfs", "source": "shm", "options": ["nosuid", "noexec", "nodev", "mode=1777"]},
        {"destination": "/sys", "type": "sysfs", "source": "sysfs",
         "options": ["nosuid", "noexec", "nodev", "rw" if privileged else "ro"]},
        {"destination": "/sys/fs/cgroup", "type": "cgroup", "source": "cgroup",
         "options": ["nosuid", "noexec", "nodev", "rw" if privileged else "ro"]},
        {"destination": "/tmp", "type": "tmpfs", "source": "tmpfs", "options": ["nosuid", "nodev", "mode=1777"]},
    ]
    if not image:
        system = [p for p in ("/usr", "/bin", "/lib", "/lib64", "/sbin", "/etc") if os.path.exists(p)]
        mounts += [bind(p, p) for p in system]
        # a JDK outside those (scripts/install-jdk.sh puts one in /opt/skiff/jdk) at its own path
        java_home = os.path.realpath(os.environ["JAVA_HOME"]) if os.environ.get("JAVA_HOME") else None
        if java_home and not any(java_home.startswith(p + "/") for p in system):
            mounts.append(bind(java_home, java_home))
        mounts.append(bind(project, project))
    mounts += [
        # the chart's hostPath volumes
        bind(tmp + "/host/run/skiff", "/run/skiff", False),
        bind(tmp + "/host/var/lib/skiff", "/var/lib/skiff", False),
        bind("/etc", "/host/etc"),
    ]
    if privileged:  # host devices instead of the minimal /dev
        mounts[1] = bind("/dev", "/dev", False)
    namespaces = [{"type": "mount"}, {"type": "ipc"}, {"type": "uts"}, {"type": "network", "path": netns}]
    if pidns:
        namespaces.append({"type": "pid"})
    linux = {"namespaces": namespaces, "cgroupsPath": cgroup,
             "resources": {"devices": [{"allow": True, "access": "rwm"}]}}
    if not unmasked:
        linux["maskedPaths"] = MASKED
        linux["readonlyPaths"] = READONLY
    # the chart's container: skiffd with its arguments (POD_IP as the downward API gives it)
    args = [(project + "/bin/skiffd" if not image else "/usr/local/bin/skiffd"), "--socket", "/run/skiff/skiff.sock", "--runroot", "/run/skiff",
            "--root", "/var/lib/skiff", "--log-level", "INFO",
            "--metrics-address", "[%s]:%d" % (POD_IP, METRICS_PORT), "--metrics-allow-remote"]
    return {
        "ociVersion": "1.0.2", "root": {"path": image or "rootfs", "readonly": True}, "hostname": "skiffd-pod",
        "process": {"terminal": False, "user": {"uid": 0, "gid": 0}, "cwd": "/", "args": args,
                    "env": ["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "HOME=/root",
                            "POD_IP=" + POD_IP, "SKIFF_JAVA_OPTS=-Dskiff.subuid-file=/host/etc/subuid"
                            " -Dskiff.subgid-file=/host/etc/subgid -Dskiff.passwd-file=/host/etc/passwd"]
                    + (["JAVA_HOME=" + os.environ["JAVA_HOME"]] if os.environ.get("JAVA_HOME") and not image else []),
                    "capabilities": {k: caps for k in ("bounding", "effective", "permitted")},
                    "noNewPrivileges": False},
        "mounts": mounts, "linux": linux}


def run(cmd, timeout=60, **kw):
    p = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, **kw)
    return p.returncode, (p.stdout + p.stderr).strip()


def proc_state(pid):
    try:
        with open("/proc/%d/stat" % pid) as f:
            return f.read().rsplit(")", 1)[1].split()[0]  # R, S, Z, ...
    except (FileNotFoundError, ProcessLookupError):
        return "gone"


class Pod:
    def __init__(self, project, image, name, privileged, unmasked, caps, pidns):
        self.tmp = tempfile.mkdtemp(prefix="skiff-podsim-")
        self.id = "skiff-podsim-%s-%s" % (name, secrets.token_hex(4))
        self.cgroup = "/skiff-podsim/" + self.id
        # the pod's network namespace, made beforehand as a CNI plugin would: a veth pair (both
        # ends inside it) carrying POD_IP
        self.netns = self.id
        for cmd in (["ip", "netns", "add", self.netns],
                    ["ip", "-n", self.netns, "link", "add", "v0", "type", "veth", "peer", "name", "v1"],
                    ["ip", "-n", self.netns, "addr", "add", POD_IP + "/24", "dev", "v0"],
                    ["ip", "-n", self.netns, "link", "set", "v1", "up"],
                    ["ip", "-n", self.netns, "link", "set", "v0", "up"],
                    ["ip", "-n", self.netns, "link", "set", "lo", "up"]):
            subprocess.run(cmd, check=True, capture_output=True, timeout=30)
        self.bundle = self.tmp + "/bundle"
        for d in ("bundle/rootfs", "host/run/skiff", "host/var/lib/skiff"):
            os.makedirs(self.tmp + "/" + d)
        held = held_caps()
        cfg = bundle_config(project, image, self.tmp, privileged, unmasked, [c for c in caps if c in held], pidns,
                            self.cgroup, "/run/netns/" + self.netns)
        for m in cfg["mounts"]:
            target = (image or self.bundle + "/rootfs") + m["destination"]
            if not os.path.isdir(target):
                os.makedirs(target)  # in an image rootfs only where a mount point is missing
        with open(self.bundle + "/config.json", "w") as f:
            json.dump(cfg, f, indent=1)
        self.sock = self.tmp + "/host/run/skiff/skiff.sock"
        self.log = open(self.tmp + "/skiffd.log", "w")

    def start(self):
        subprocess.run(["runc", "run", "-d", "--bundle", self.bundle, self.id], stdin=subprocess.DEVNULL,
                       stdout=self.log, stderr=self.log, check=True, timeout=60)
        for _ in range(120):
            if run(["curl", "-s", "--unix-socket", self.sock, "http://d/_ping"])[1] == "OK":
                return True
            if '"status": "stopped"' in run(["runc", "state", self.id])[1]:
                return False  # skiffd exited: its log says why
            time.sleep(0.5)
        return False

    def podman(self, *args, timeout=60):
        return run(["podman", "--remote", "--url", "unix://" + self.sock] + list(args), timeout=timeout)

    def exec(self, *args):
        return run(["runc", "exec", self.id] + list(args))

    def probe(self, path):
        """The chart's exec probe, run inside the daemon's container."""
        return self.exec("curl", "--fail", "--silent", "--show-error", "--max-time", "5", "--unix-socket",
                         "/run/skiff/skiff.sock", "http://d" + path)[0]

    def stop(self, signal="TERM"):
        run(["runc", "kill", self.id, signal])
        for _ in range(40):
            if '"status": "stopped"' in run(["runc", "state", self.id])[1]:
                return
            time.sleep(0.25)

    def delete(self):
        run(["runc", "delete", "--force", self.id])

    def log_text(self):
        self.log.flush()
        with open(self.tmp + "/skiffd.log") as f:
            return f.read()

    def cleanup(self):
        self.delete()
        # the pod's cgroups, deepest first (pause leaves skiff/<id> freezer groups inside them)
        for ctl in os.listdir("/sys/fs/cgroup"):
            top = "/sys/fs/cgroup/" + ctl + self.cgroup
            for d, _, _ in sorted(os.walk(top), key=lambda w: -len(w[0])) if os.path.isdir(top) else []:
                try:
                    os.rmdir(d)
                except OSError:
                    pass
            try:
                os.rmdir("/sys/fs/cgroup/" + ctl + "/skiff-podsim")
            except OSError:
                pass
        run(["ip", "netns", "del", self.netns])
        shutil.rmtree(self.tmp, ignore_errors=True)


def host_pid_of(pod_pid, cmdline):
    """The host PID of the process whose PID one namespace level down is pod_pid."""
    for p in filter(str.isdigit, os.listdir("/proc")):
        try:
            with open("/proc/%s/status" % p) as f:
                nspid = next(l for l in f if l.startswith("NSpid:")).split()[1:]
            with open("/proc/%s/cmdline" % p) as f:
                same = f.read() == cmdline
        except (OSError, StopIteration):
            continue
        if same and len(nspid) >= 2 and nspid[1] == str(pod_pid):
            return int(p)
    raise RuntimeError("no process with PID %d in a child namespace" % pod_pid)


def busybox_rootfs(tmp):
    root = tmp + "/bbroot"
    os.makedirs(root + "/bin")
    shutil.copy("/bin/busybox", root + "/bin/busybox")
    for applet in run(["/bin/busybox", "--list"])[1].split():
        if applet != "busybox":
            os.symlink("busybox", root + "/bin/" + applet)
    for d in ("dev", "proc", "sys", "tmp", "etc", "root", "run"):
        os.makedirs(root + "/" + d)
    run(["tar", "-C", root, "-cf", tmp + "/bb.tar", "."])
    return tmp + "/bb.tar"


def scenario(project, image, name):
    privileged = name in ("privileged", "pidns")
    unmasked = name in ("privileged", "pidns", "unmasked")
    if privileged:
        caps = ALL_CAPS
    elif name == "masked-caps":
        caps = DEFAULT_CAPS + ["CAP_SYS_ADMIN", "CAP_SYS_PTRACE", "CAP_NET_ADMIN"]
    else:
        caps = DEFAULT_CAPS
    pod = Pod(project, image, name, privileged, unmasked, caps, pidns=(name == "pidns"))
    r = {"scenario": name}
    try:
        r["started"] = pod.start()
        if not r["started"]:
            r["log"] = pod.log_text()[-2000:]
            return r
        r["probeLive"] = pod.probe("/q/health/live")
        r["probeReady"] = pod.probe("/q/health/ready")
        r["metricsOnPodIp"] = pod.exec("curl", "-s", "-o", "/dev/null", "-w", "%{http_code}",
                                       "http://%s:%d/metrics" % (POD_IP, METRICS_PORT))[1]
        r["apiOnPodIp"] = pod.exec("curl", "-s", "-o", "/dev/null", "-w", "%{http_code}",
                                   "http://%s:%d/libpod/info" % (POD_IP, METRICS_PORT))[1]
        rc, out = pod.podman("import", busybox_rootfs(pod.tmp), "localhost/bb")
        r["import"] = rc
        # the default network (slirp4netns) separately: it needs /dev/net/tun, which only a
        # privileged pod has; the other checks use --network none so that they test one thing each
        rc, out = pod.podman("run", "--rm", "localhost/bb", "ip", "-o", "-4", "addr", "show", "tap0")
        r["runNetwork"] = out if rc == 0 else "FAILED: " + out
        rc, out = pod.podman("run", "--rm", "--network", "none", "localhost/bb", "cat", "/proc/self/uid_map")
        r["run"] = out if rc == 0 else "FAILED: " + out
        rc, out = pod.podman("run", "--rm", "--network", "none", "--userns=auto", "localhost/bb", "cat",
                             "/proc/self/uid_map")
        r["runUsernsAuto"] = out if rc == 0 else "FAILED: " + out
        if not r["run"].startswith("FAILED"):
            pod.podman("run", "-d", "--network", "none", "--name", "w", "localhost/bb", "sleep", "600")
            rc, out = pod.podman("pause", "w")
            r["pause"] = "ok" if rc == 0 else "FAILED: " + out
            pod.podman("unpause", "w")
            recorded = int(pod.podman("inspect", "-f", "{{.State.Pid}}", "w")[1])
            host_pid = recorded
            if name == "pidns":  # recorded in the pod's PID namespace: find the host's view
                host_pid = host_pid_of(recorded, "sleep\0" + "600\0")
            r["recordedPidIsHostPid"] = recorded == host_pid
            shim = int(open("/proc/%d/stat" % host_pid).read().rsplit(")", 1)[1].split()[1])
            pod.stop("TERM")
            time.sleep(2)
            r["afterDaemonExit"] = {"container": proc_state(host_pid), "shim": proc_state(shim)}
            pod.delete()  # what the CRI runtime does when it removes the stopped container
            time.sleep(1)
            r["afterRuntimeDelete"] = {"container": proc_state(host_pid), "shim": proc_state(shim)}
        return r
    finally:
        pod.cleanup()


def main():
    if len(sys.argv) < 3:
        print(__doc__, file=sys.stderr)
        return 2
    if os.geteuid() != 0:
        print("pod_sim.py: run as root (it starts runc containers)", file=sys.stderr)
        return 2
    if sys.argv[1] == "--image":
        project, image, names = None, os.path.abspath(sys.argv[2]), sys.argv[3:]
        if not os.access(image + "/usr/local/bin/skiffd", os.X_OK):
            print("pod_sim.py: %s has no /usr/local/bin/skiffd" % image, file=sys.stderr)
            return 2
    else:
        project, image, names = os.path.abspath(sys.argv[1]), None, sys.argv[2:]
        if not os.path.exists(project + "/target/quarkus-app/quarkus-run.jar"):
            print("pod_sim.py: %s is not built: run `make build` there" % project, file=sys.stderr)
            return 2
    for name in names:
        print(json.dumps(scenario(project, image, name)), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
