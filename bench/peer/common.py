"""Shared pieces of the peer runners: a frozen copy of the build, child processes with polled peak RSS, machine info."""
import atexit
import concurrent.futures as concurrent_futures
import hashlib
import json
import os
import platform
import shutil
import statistics
import subprocess
import tempfile
import threading
import time

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
PEER = os.path.join(REPO, "bench", "peer")
RESULTS = os.path.join(REPO, "bench", "results")
PYTHON = ["/usr/bin/python3"]   # Debian's python3 with python3-torch; a pyenv python first on PATH lacks torch


def set_python(command):
    """The command that runs the PyTorch side, split on spaces: by default Debian 12's /usr/bin/python3 (torch 1.13);
    `chroot /opt/trixie /usr/bin/python3` runs Debian 13's (torch 2.6) from a debootstrapped tree (README.md). The
    mirrors are named by absolute path, so a chroot must see this repository at the same path (a bind mount)."""
    PYTHON[:] = command.split()


JAVA = shutil.which("java") or "java"
BASE_ENV = {"OMP_WAIT_POLICY": "PASSIVE", "OPENBLAS_NUM_THREADS": "1"}


def blas_core_env(choice):
    """OPENBLAS_CORETYPE for both sides. auto or none: unset, so each OpenBLAS detects its kernels itself (both chose
    Cooperlake on an AMD Zen 4); inherit: whatever this environment holds (this workplace pins Haswell); any other
    value: that core."""
    inherited = os.environ.get("OPENBLAS_CORETYPE")
    if choice == "inherit":
        return {"OPENBLAS_CORETYPE": inherited} if inherited else {}
    if choice in ("auto", "none"):
        return {"OPENBLAS_CORETYPE": None}
    return {"OPENBLAS_CORETYPE": choice}


def apply_blas_core(choice):
    """Puts the chosen OPENBLAS_CORETYPE into BASE_ENV (None: removed from the children's environment)."""
    BASE_ENV.update(blas_core_env(choice))
    return {"choice": choice, "used": BASE_ENV.get("OPENBLAS_CORETYPE"),
            "inherited_openblas_env": {k: v for k, v in sorted(os.environ.items()) if k.startswith("OPENBLAS")}}


def child_env(extra):
    env = dict(os.environ)
    for key, value in list(BASE_ENV.items()) + list(extra.items()):
        if value is None:
            env.pop(key, None)
        else:
            env[key] = value
    return env


def loadavg():
    with open("/proc/loadavg") as f:
        return f.read().strip()


def sha256(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def snapshot_build(with_test_classes=False):
    """Copies target/uqabench.jar, target/lib (and target/test-classes) to a private folder, so that a rebuild by
    someone else during the measurement cannot change or remove the code under test. Returns (folder, info)."""
    jar = os.path.join(REPO, "target", "uqabench.jar")
    lib = os.path.join(REPO, "target", "lib")
    if not os.path.isfile(jar) or not os.path.isdir(lib):
        raise SystemExit("target/uqabench.jar or target/lib is missing: build first with\n"
                         "  cd " + REPO + " && OMP_WAIT_POLICY=PASSIVE mvn -B -q -o package -DskipTests")
    folder = tempfile.mkdtemp(prefix="uqabench-peer-build-")
    atexit.register(shutil.rmtree, folder, True)
    shutil.copy2(jar, os.path.join(folder, "uqabench.jar"))
    shutil.copytree(lib, os.path.join(folder, "lib"))
    if with_test_classes:
        tests = os.path.join(REPO, "target", "test-classes")
        if not os.path.isdir(tests):
            raise SystemExit("target/test-classes is missing: build the tests first with\n"
                             "  cd " + REPO + " && OMP_WAIT_POLICY=PASSIVE mvn -B -q -o test-compile")
        shutil.copytree(tests, os.path.join(folder, "test-classes"))
    info = {"jar_sha256": sha256(jar), "jar_mtime": time.strftime("%Y-%m-%dT%H:%M:%S", time.localtime(os.path.getmtime(jar))),
            "git_head": git(["rev-parse", "HEAD"]), "git_dirty_files": git(["status", "--porcelain", "--", "src"]).splitlines(),
            "copied_to": folder}
    return folder, info


def git(args):
    try:
        return subprocess.run(["git", "-C", REPO] + args, capture_output=True, text=True, timeout=30).stdout.rstrip()
    except Exception as e:   # noqa: BLE001 - informational only
        return f"unavailable: {e}"


# glibc allocator settings measured in bench/perf/README.md (dev.uqabench.tensor.CpuFeatures.MALLOC_TUNABLES)
TUNED_MALLOC = "glibc.malloc.hugetlb=1:glibc.malloc.mmap_threshold=33554432:glibc.malloc.trim_threshold=4294967296"


def parse_env(pairs):
    """KEY=VALUE pairs; the word 'tuned-malloc' stands for GLIBC_TUNABLES=TUNED_MALLOC."""
    env = {}
    for kv in pairs:
        if kv == "tuned-malloc":
            env["GLIBC_TUNABLES"] = TUNED_MALLOC
        else:
            key, value = kv.split("=", 1)
            env[key] = value
    return env


def run_child(argv, env_extra, timeout, cwd=REPO):
    """Runs one measurement in its own process; polls its VmHWM every 0.2 s (the last value read is a lower bound of
    its peak RSS, exact unless it grew in its last 0.2 s). Returns a record."""
    env = child_env(env_extra)
    record = {"argv": argv, "env": {k: env.get(k) for k in sorted(set(BASE_ENV) | set(env_extra))},
              "loadavg_before": loadavg()}
    start = time.perf_counter()
    process = subprocess.Popen(argv, cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    peak = {"kib": -1}

    def poll():
        path = f"/proc/{process.pid}/status"
        while process.poll() is None:
            try:
                with open(path) as f:
                    for line in f:
                        if line.startswith("VmHWM:"):
                            peak["kib"] = max(peak["kib"], int(line.split()[1]))
            except (OSError, ValueError):
                pass
            time.sleep(0.2)

    poller = threading.Thread(target=poll, daemon=True)
    poller.start()
    try:
        output, _ = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        output, _ = process.communicate()
        record["timed_out"] = True
    poller.join(timeout=1)
    record["wall_s"] = round(time.perf_counter() - start, 2)
    record["loadavg_after"] = loadavg()
    record["exit"] = process.returncode
    record["polled_peak_rss_mib"] = peak["kib"] // 1024 if peak["kib"] >= 0 else None
    record["output_tail"] = output[-4000:]
    return record


def run_sides(sides, measure, concurrent):
    """Runs `measure(side, core)` for each side of a round: one after the other (core None), or, when `concurrent`,
    all at the same time, side i pinned to core i (the caller alternates the order of `sides` from round to round, so
    each side meets each core). Returns the records in the order of `sides`."""
    if not concurrent:
        return [measure(side, None) for side in sides]
    with concurrent_futures.ThreadPoolExecutor(len(sides)) as pool:
        futures = [pool.submit(measure, side, core) for core, side in enumerate(sides)]
        return [f.result() for f in futures]


def pinned(argv, core):
    """`argv` run on `core` alone (`taskset -c`), or as it is when core is None."""
    return argv if core is None else ["taskset", "-c", str(core)] + argv


def require_cores_for_concurrent(concurrent, threads, sides=2):
    if concurrent and (threads != 1 or len(os.sched_getaffinity(0)) < sides):
        raise SystemExit(f"--concurrent needs --threads 1 and {sides} cores")


def last_json_line(text):
    for line in reversed(text.strip().splitlines()):
        line = line.strip()
        if line.startswith("{"):
            try:
                return json.loads(line)
            except json.JSONDecodeError:
                continue
    return None


def spread(values):
    values = [v for v in values if v is not None]
    if not values:
        return None
    return {"min": min(values), "median": statistics.median(values), "max": max(values), "n": len(values)}


def cpu_info():
    model, flags = "?", set()
    with open("/proc/cpuinfo") as f:
        for line in f:
            if line.startswith("model name") and model == "?":
                model = line.split(":", 1)[1].strip()
            if line.startswith("flags"):
                flags = set(line.split(":", 1)[1].split())
    interesting = ["avx2", "avx512f", "avx512bw", "avx512_vnni", "avx512_bf16", "amx_tile", "amx_bf16", "amx_int8"]
    return {"model": model, "cores": os.cpu_count(), "flags": {f: f in flags for f in interesting},
            "kernel": platform.release()}


def torch_info(extra_env=None):
    env = child_env(extra_env or {})
    out = subprocess.run(PYTHON + ["-c", "import torch, json; print(json.dumps({'version': torch.__version__, "
                          "'config': torch.__config__.show(), 'parallel': torch.__config__.parallel_info()}))"],
                         capture_output=True, text=True, timeout=120, env=env)
    info = last_json_line(out.stdout) or {"error": out.stderr[-2000:]}
    capability = [line.split(":", 1)[1].strip() for line in info.get("config", "").splitlines()
                  if "CPU capability usage" in line]
    info["cpu_capability"] = capability[0] if capability else "?"
    info["python"] = " ".join(PYTHON)
    return info


def java_info():
    out = subprocess.run([JAVA, "-version"], capture_output=True, text=True, timeout=60)
    return out.stderr.strip().splitlines()[0] if out.stderr else "?"


def write_json(path, data):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    tmp = path + ".tmp"
    with open(tmp, "w") as f:
        json.dump(data, f, indent=2)
        f.write("\n")
    os.replace(tmp, path)
