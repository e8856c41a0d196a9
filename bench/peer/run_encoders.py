#!/usr/bin/python3
"""Side-by-side training speed of our encoders (Java, libtorch through JavaCPP) and the PyTorch-eager mirror.

    /usr/bin/python3 bench/peer/run_encoders.py [--rounds 3] [--steps 5] [--threads 1]
        [--cases sasrec:FULL_SOFTMAX:50000,mamba:SAMPLED_SOFTMAX:1000000,...] [--check] [--out FILE]

For each round and each case, ours (`PretrainBenchmark --one ENCODER LOSS ITEMS STEPS THREADS PRECISION`) and
theirs (`encoders.py` with the same arguments; --ours-precision / --theirs-precision, fp32 by default;
--ours-moments / --theirs-moments, the tables' second moments, full by default) run one after the other, each in its own process, the order alternating
from round to round and case to case; the load average is recorded before and after every run. Both get
OMP_WAIT_POLICY=PASSIVE and OPENBLAS_NUM_THREADS=1; THREADS is libtorch's intra-op thread count on both sides.
The jar and its libraries are copied first, so a rebuild during the measurement does not change what is measured.
--check also compiles bench/peer/java/.../PeerLosses.java against that copy and compares the first three float32
training losses of each case (ours vs theirs: same data, same initial weights, same dropout masks: theirs runs once
more for it with PEER_MASKS=uqabench, which draws each mask as nn.Dropout does; the timed runs use torch.dropout).
Writes bench/results/peer-encoders.json (rewritten after every run, so a partial run leaves its results).
--concurrent runs the two sides of a round at the same time, each pinned to its own core (as run_decoder.py
--concurrent; --threads must be 1): both meet the same phase of a machine whose speed swings, and only the per-round
ratio is read from such a run.
"""
import argparse
import os
import re
import subprocess
import sys
import time

sys.dont_write_bytecode = True   # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import common  # noqa: E402

ENCODERS = ["sasrec", "hstu", "trmplus", "gru4rec", "mamba"]
DEFAULT_CASES = [f"{e}:{loss}:{items}" for e in ENCODERS
                 for loss, items in (("FULL_SOFTMAX", 50_000), ("SAMPLED_SOFTMAX", 1_000_000))]


def ours_argv(build, case, steps, threads, precision, moments="full"):
    encoder, loss, items = case.split(":")
    # -Xmx2g as the uqabench launcher starts every command
    return [common.JAVA, "--add-opens=java.base/java.nio=ALL-UNNAMED", "-Xmx2g",
            "-cp", f"{build}/uqabench.jar:{build}/lib/*", "dev.uqabench.pretrain.PretrainBenchmark",
            "--one", encoder, loss, items, str(steps), str(threads), precision, moments]


def theirs_argv(case, steps, threads, precision, moments="full"):
    encoder, loss, items = case.split(":")
    return common.PYTHON + [os.path.join(common.PEER, "encoders.py"), encoder, loss, items, str(steps), str(threads),
            precision, moments]


def parse_ours(text):
    """The table row PretrainBenchmark prints: | enc | LOSS | items | encoder parameters | events/s | s/step |
    CPU s/step | peak RSS MiB |"""
    for line in reversed(text.strip().splitlines()):
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if line.startswith("|") and len(cells) == 8 and re.fullmatch(r"[\d,]+", cells[3] or "x"):
            number = lambda s: float(s.replace(",", ""))  # noqa: E731
            return {"encoder": cells[0], "loss": cells[1], "items": int(number(cells[2])),
                    "encoder_parameters": int(number(cells[3])), "events_per_s": number(cells[4]),
                    "s_per_step": number(cells[5]), "cpu_s_per_step": number(cells[6]),
                    "peak_rss_mib": int(number(cells[7]))}
    return None


def summarise(case, runs):
    ours = [r for r in runs if r["side"] == "ours" and r.get("result")]
    theirs = [r for r in runs if r["side"] == "theirs" and r.get("result")]
    ratios = []
    for round_ in sorted({r["round"] for r in runs}):
        o = [r["result"]["events_per_s"] for r in ours if r["round"] == round_]
        t = [r["result"]["events_per_s"] for r in theirs if r["round"] == round_]
        if o and t:
            ratios.append(o[0] / t[0])
    pick = lambda rs, key: [r["result"][key] for r in rs]  # noqa: E731
    summary = {
        "case": case,
        "ours_events_per_s": common.spread(pick(ours, "events_per_s")),
        "theirs_events_per_s": common.spread(pick(theirs, "events_per_s")),
        "ratio_ours_over_theirs": common.spread(ratios),
        "ours_cpu_s_per_step": common.spread(pick(ours, "cpu_s_per_step")),
        "theirs_cpu_s_per_step": common.spread(pick(theirs, "cpu_s_per_step")),
        "ours_peak_rss_mib": common.spread(pick(ours, "peak_rss_mib")),
        "theirs_peak_rss_mib": common.spread(pick(theirs, "peak_rss_mib")),
        "ours_encoder_parameters": sorted(set(pick(ours, "encoder_parameters"))),
        "theirs_encoder_parameters": sorted(set(pick(theirs, "encoder_parameters"))),
        "failed_runs": len([r for r in runs if not r.get("result")]),
    }
    summary["encoder_parameters_equal"] = (summary["ours_encoder_parameters"] == summary["theirs_encoder_parameters"]
                                           and bool(summary["ours_encoder_parameters"]))
    return summary


def compile_peer_losses(build):
    classes = os.path.join(build, "peer-classes")
    os.makedirs(classes, exist_ok=True)
    source = os.path.join(common.PEER, "java", "dev", "uqabench", "pretrain", "PeerLosses.java")
    javac = os.path.join(os.path.dirname(os.path.realpath(common.JAVA)), "javac")
    subprocess.run([javac if os.path.exists(javac) else "javac", "-d", classes, "-cp",
                    f"{build}/uqabench.jar:{build}/lib/*", source], check=True)
    return classes


def check_case(build, classes, case, threads, theirs_losses, timeout):
    encoder, loss, items = case.split(":")
    argv = [common.JAVA, "--add-opens=java.base/java.nio=ALL-UNNAMED", "-cp",
            f"{classes}:{build}/uqabench.jar:{build}/lib/*", "dev.uqabench.pretrain.PeerLosses",
            encoder, loss, items, "3", str(threads)]
    record = common.run_child(argv, {}, timeout)
    ours = common.last_json_line(record["output_tail"])
    result = {"case": case, "argv": argv, "ours_losses": ours and ours["losses"], "theirs_losses": theirs_losses}
    if ours and theirs_losses and len(theirs_losses) >= 3:
        result["max_abs_difference"] = max(abs(a - b) for a, b in zip(ours["losses"], theirs_losses[:3]))
    else:
        result["error"] = record["output_tail"][-1500:]
    return result


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--steps", type=int, default=5, help="timed steps after 2 warm-up steps (ours: 5)")
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--cases", default=",".join(DEFAULT_CASES), help="ENCODER:LOSS:ITEMS,...")
    parser.add_argument("--check", action="store_true", help="compare the first 3 losses with ours (PeerLosses)")
    parser.add_argument("--timeout", type=int, default=3600, help="seconds per run")
    parser.add_argument("--blas-core", default="auto",
                        help="OPENBLAS_CORETYPE of both sides: auto (unset: OpenBLAS detects its kernels), "
                             "inherit (this environment's), none, or a core name (default: auto)")
    parser.add_argument("--theirs-env", action="append", default=[], metavar="KEY=VALUE",
                        help="extra environment of the PyTorch runs only, e.g. ATEN_CPU_CAPABILITY=avx512 or tuned-malloc")
    parser.add_argument("--ours-env", action="append", default=[], metavar="KEY=VALUE",
                        help="extra environment of our runs only; 'tuned-malloc' stands for the glibc allocator "
                             "settings of bench/perf/README.md")
    parser.add_argument("--ours-precision", default="fp32", choices=["fp32", "bf16", "auto"],
                        help="pretrain.precision of our runs (auto: bf16 where the CPU has it natively)")
    parser.add_argument("--theirs-precision", default="fp32", choices=["fp32", "bf16"],
                        help="fp32, or bf16 under torch.autocast for the forward pass and loss")
    parser.add_argument("--ours-moments", default="full", choices=["full", "row"],
                        help="pretrain.table_moments of our runs: one second moment per table weight, or per row")
    parser.add_argument("--theirs-moments", default="full", choices=["full", "row"],
                        help="the same for the PyTorch runs")
    parser.add_argument("--out", default=os.path.join(common.RESULTS, "peer-encoders.json"))
    parser.add_argument("--concurrent", action="store_true",
                        help="run ours and theirs at the same time, each pinned to its own core (see above)")
    parser.add_argument("--python", default="/usr/bin/python3",
                        help="command that runs the PyTorch side (default: Debian 12's torch 1.13); 'chroot /opt/trixie /usr/bin/python3' runs Debian 13's torch 2.6 (README.md)")
    args = parser.parse_args()
    common.require_cores_for_concurrent(args.concurrent, args.threads)
    common.set_python(args.python)
    blas_core = common.apply_blas_core(args.blas_core)
    cases = [c.strip() for c in args.cases.split(",") if c.strip()]
    theirs_env = common.parse_env(args.theirs_env)
    ours_env = common.parse_env(args.ours_env)
    build, build_info = common.snapshot_build()
    out = {
        "what": "training events/s of one step (batch 8 x 200 events, all features, paper presets), ours vs "
                "PyTorch eager; see bench/peer/README.md",
        "started": time.strftime("%Y-%m-%dT%H:%M:%S"), "finished": None,
        "rounds": args.rounds, "steps": args.steps, "warmup_steps": 2, "threads": args.threads,
        "concurrent": args.concurrent,
        "ours_precision": args.ours_precision, "theirs_precision": args.theirs_precision,
        "ours_moments": args.ours_moments, "theirs_moments": args.theirs_moments,
        "env": dict(common.BASE_ENV), "blas_core": blas_core, "theirs_extra_env": theirs_env,
        "ours_extra_env": ours_env, "cpu": common.cpu_info(),
        "torch": common.torch_info(theirs_env), "java": common.java_info(),
        "build": build_info,
        "commands": {"ours": " ".join(ours_argv("BUILD", "ENCODER:LOSS:ITEMS", args.steps, args.threads,
                                                   args.ours_precision, args.ours_moments)),
                     "theirs": " ".join(theirs_argv("ENCODER:LOSS:ITEMS", args.steps, args.threads,
                                                    args.theirs_precision, args.theirs_moments)),
                     "runner": " ".join([sys.executable] + sys.argv)},
        "summary": [], "runs": [], "check": [],
    }
    out["torch"].pop("parallel", None)
    for round_ in range(args.rounds):
        for index, case in enumerate(cases):
            sides = ["ours", "theirs"] if (round_ + index) % 2 == 0 else ["theirs", "ours"]

            def measure(side, core):
                argv = ours_argv(build, case, args.steps, args.threads, args.ours_precision, args.ours_moments) \
                    if side == "ours" else theirs_argv(case, args.steps, args.threads, args.theirs_precision,
                                                       args.theirs_moments)
                record = common.run_child(common.pinned(argv, core), ours_env if side == "ours" else theirs_env,
                                          args.timeout)
                record.update(side=side, case=case, round=round_ + 1, core=core)
                return record

            for record in common.run_sides(sides, measure, args.concurrent):
                side = record["side"]
                record["result"] = parse_ours(record["output_tail"]) if side == "ours" \
                    else common.last_json_line(record["output_tail"])
                if record["result"] is not None and record["exit"] == 0:
                    record["output_tail"] = record["output_tail"][-300:]
                else:
                    record["result"] = None
                out["runs"].append(record)
                r = record["result"]
                print(f"round {round_ + 1} {case:32s} {side:6s} "
                      + (f"core {record['core']} " if record["core"] is not None else "")
                      + (f"{r['events_per_s']:8.1f} events/s {r['s_per_step']:7.2f} s/step "
                         f"RSS {r['peak_rss_mib']} MiB" if r else "FAILED")
                      + f"  load {record['loadavg_before'].split()[0]} -> {record['loadavg_after'].split()[0]}",
                      flush=True)
                out["summary"] = [summarise(c, [x for x in out["runs"] if x["case"] == c]) for c in cases]
                common.write_json(args.out, out)
    if args.check:
        classes = compile_peer_losses(build)
        for case in cases:
            # float32, 2 warm-up steps + 1, with ours dropout masks (PEER_MASKS=uqabench: nn.Dropout's draws)
            record = common.run_child(theirs_argv(case, 1, args.threads, "fp32"),
                                      dict(theirs_env, PEER_MASKS="uqabench"), args.timeout)
            mirrored = common.last_json_line(record["output_tail"])
            theirs = mirrored and mirrored["losses"]
            result = check_case(build, classes, case, args.threads, theirs, args.timeout)
            out["check"].append(result)
            print(f"check {case:32s} ours {result.get('ours_losses')} theirs "
                  f"{theirs and theirs[:3]} max |diff| {result.get('max_abs_difference')}", flush=True)
            common.write_json(args.out, out)
    out["finished"] = time.strftime("%Y-%m-%dT%H:%M:%S")
    common.write_json(args.out, out)
    print("\n| case | ours events/s (min/med/max) | theirs events/s | ours/theirs (min/med/max) | RSS ours / theirs MiB |")
    print("|---|---|---|---|---|")
    for s in out["summary"]:
        o, t, q = s["ours_events_per_s"], s["theirs_events_per_s"], s["ratio_ours_over_theirs"]
        fmt = lambda d, p: "-" if not d else f"{d['min']:.{p}f} / {d['median']:.{p}f} / {d['max']:.{p}f}"  # noqa: E731
        rss = lambda d: "-" if not d else f"{d['median']:.0f}"  # noqa: E731
        print(f"| {s['case']} | {fmt(o, 0)} | {fmt(t, 0)} | {fmt(q, 2)} | {rss(s['ours_peak_rss_mib'])} / "
              f"{rss(s['theirs_peak_rss_mib'])} |")
    print(f"written to {args.out}")


if __name__ == "__main__":
    main()
