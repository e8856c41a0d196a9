#!/usr/bin/python3
"""Side-by-side inference speed of our decoder (LlmBenchmark, Java) and the PyTorch-eager mirror (decoder.py) on a
random-weight model of Qwen2.5-0.5B's shape.

    /usr/bin/python3 bench/peer/run_decoder.py [--rounds 3] [--threads 1] [--dtypes fp32,bf16] [--model-dir DIR]
        [--out FILE]

Ours: `LlmBenchmark make DIR` once (a BF16 Hugging Face folder with random weights, ~1 GB, kept in --model-dir and
reused), then per run `LlmBenchmark run DIR DTYPE OUT 1` (a test-source class: the classpath holds
target/test-classes). Theirs: `decoder.py DTYPE THREADS`. Per round and dtype the two alternate, each in its own
process, with OMP_WAIT_POLICY=PASSIVE, OPENBLAS_NUM_THREADS=1 and OMP_NUM_THREADS=THREADS (LlmBenchmark takes
libtorch's default thread count, which OMP_NUM_THREADS sets; decoder.py calls torch.set_num_threads(THREADS)).
bf16 runs only when the CPU has avx512_bf16 unless --dtypes says otherwise.
Writes bench/results/peer-decoder.json (rewritten after every run).

--concurrent runs the two sides of a round at the same time instead, each pinned to its own core (`taskset -c`; the
side listed first in a round on core 0, and the order alternates as above; --threads must be 1): on a machine whose speed swings by 1.5-2x within
minutes (a shared virtual machine), one after the other measures the machine's phase as much as the engines, while
side by side both meet the same phase. Both then share the memory bandwidth and the last-level cache, so the absolute
figures are lower than alone; only the ratio is read from them.
"""
import argparse
import os
import re
import sys
import tempfile
import time

sys.dont_write_bytecode = True   # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import common  # noqa: E402

FIGURES = ["prefill_128_tokens_per_s", "prefill_512_tokens_per_s", "decode_tokens_per_s", "soft_prompt_backward_s",
           "rss_after_first_forward_mb", "peak_rss_mb"]


def java_cp(build):
    return f"{build}/test-classes:{build}/uqabench.jar:{build}/lib/*"


def ours_argv(build, model_dir, dtype, out_file):
    return [common.JAVA, "--add-opens=java.base/java.nio=ALL-UNNAMED", "-cp", java_cp(build),
            "dev.uqabench.llm.LlmBenchmark", "run", model_dir, dtype, out_file, "1"]


def theirs_argv(dtype, threads):
    return common.PYTHON + [os.path.join(common.PEER, "decoder.py"), dtype, str(threads)]


def parse_ours(text):
    """The lines LlmBenchmark.run prints."""
    r = {}
    m = re.search(r"load: ([\d.]+) s; RSS before (\d+) MB, after load (\d+) MB", text)
    if m:
        r["load_s"], r["rss_before_mb"], r["rss_after_load_mb"] = float(m[1]), float(m[2]), float(m[3])
    m = re.search(r"RSS after first forward (\d+) MB", text)
    if m:
        r["rss_after_first_forward_mb"] = float(m[1])
    for length in (128, 512):
        m = re.search(rf"prefill {length} tokens: ([\d.]+) s, (\d+) tokens/s, ([\d.]+) GFLOP/s", text)
        if m:
            r[f"prefill_{length}_s"] = float(m[1])
            r[f"prefill_{length}_tokens_per_s"] = length / float(m[1]) if float(m[1]) > 0 else float(m[2])
            r[f"prefill_{length}_gflops"] = float(m[3])
    m = re.search(r"decode after 128-token prompt: ([\d.]+) ms/token, ([\d.]+) tokens/s \((\d+) tokens\)", text)
    if m:
        r["decode_ms_per_token"], r["decode_tokens_per_s"], r["decode_tokens"] = float(m[1]), float(m[2]), int(m[3])
    m = re.search(r"forward\+backward to a 4-vector soft prompt at 128 tokens: ([\d.]+) s", text)
    if m:
        r["soft_prompt_backward_s"] = float(m[1])
    m = re.search(r"## \w+ compute, (\d+) OpenMP threads", text)
    if m:
        r["threads"] = int(m[1])
    needed = ["prefill_128_tokens_per_s", "prefill_512_tokens_per_s", "decode_tokens_per_s"]
    return r if all(k in r for k in needed) else None


def summarise(dtype, runs):
    mine = [r for r in runs if r["dtype"] == dtype]
    ours = [r for r in mine if r["side"] == "ours" and r.get("result")]
    theirs = [r for r in mine if r["side"] == "theirs" and r.get("result")]
    summary = {"dtype": dtype, "failed_runs": len([r for r in mine if not r.get("result")])}
    for key in FIGURES:
        summary[f"ours_{key}"] = common.spread([r["result"].get(key) for r in ours])
        summary[f"theirs_{key}"] = common.spread([r["result"].get(key) for r in theirs])
    summary["ours_polled_peak_rss_mib"] = common.spread([r["polled_peak_rss_mib"] for r in ours])
    summary["theirs_polled_peak_rss_mib"] = common.spread([r["polled_peak_rss_mib"] for r in theirs])
    for key in ["prefill_128_tokens_per_s", "prefill_512_tokens_per_s", "decode_tokens_per_s"]:
        ratios = []
        for round_ in sorted({r["round"] for r in mine}):
            o = [r["result"][key] for r in ours if r["round"] == round_]
            t = [r["result"][key] for r in theirs if r["round"] == round_]
            if o and t:
                ratios.append(o[0] / t[0])
        summary[f"ratio_ours_over_theirs_{key}"] = common.spread(ratios)
    return summary


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--dtypes", default=None, help="fp32,bf16 (default: fp32, plus bf16 with avx512_bf16)")
    parser.add_argument("--model-dir", default=os.path.join(tempfile.gettempdir(), "uqabench-peer-qwen05-shape"))
    parser.add_argument("--timeout", type=int, default=3600, help="seconds per run")
    parser.add_argument("--blas-core", default="auto",
                        help="OPENBLAS_CORETYPE of both sides: auto (unset: OpenBLAS detects its kernels), "
                             "inherit (this environment's), none, or a core name (default: auto)")
    parser.add_argument("--theirs-env", action="append", default=[], metavar="KEY=VALUE",
                        help="extra environment of the PyTorch runs only, e.g. ATEN_CPU_CAPABILITY=avx512")
    parser.add_argument("--out", default=os.path.join(common.RESULTS, "peer-decoder.json"))
    parser.add_argument("--concurrent", action="store_true",
                        help="run ours and theirs at the same time, each pinned to its own core (see above)")
    parser.add_argument("--python", default="/usr/bin/python3",
                        help="command that runs the PyTorch side (default: Debian 12's torch 1.13); 'chroot /opt/trixie /usr/bin/python3' runs Debian 13's torch 2.6 (README.md)")
    args = parser.parse_args()
    common.require_cores_for_concurrent(args.concurrent, args.threads)
    common.set_python(args.python)
    blas_core = common.apply_blas_core(args.blas_core)
    cpu = common.cpu_info()
    dtypes = args.dtypes.split(",") if args.dtypes else (["fp32", "bf16"] if cpu["flags"]["avx512_bf16"] else ["fp32"])
    build, build_info = common.snapshot_build(with_test_classes=True)
    env = {"OMP_NUM_THREADS": str(args.threads)}
    theirs_env = dict(env, **dict(kv.split("=", 1) for kv in args.theirs_env))
    out = {
        "what": "prefill (128, 512 tokens) and greedy KV-cache decode (32 tokens after a 128-token prompt) tokens/s of "
                "a random-weight Qwen2.5-0.5B-shaped decoder, ours (LlmBenchmark) vs PyTorch eager (decoder.py); "
                "see bench/peer/README.md",
        "started": time.strftime("%Y-%m-%dT%H:%M:%S"), "finished": None, "rounds": args.rounds,
        "threads": args.threads, "concurrent": args.concurrent, "dtypes": dtypes, "env": dict(common.BASE_ENV, **env),
        "blas_core": blas_core,
        "theirs_env": theirs_env,
        "cpu": cpu, "torch": common.torch_info(theirs_env), "java": common.java_info(), "build": build_info,
        "model_dir": args.model_dir,
        "commands": {"ours_make": " ".join([common.JAVA, "--add-opens=java.base/java.nio=ALL-UNNAMED", "-cp",
                                            java_cp("BUILD"), "dev.uqabench.llm.LlmBenchmark", "make", "MODEL_DIR"]),
                     "ours": " ".join(ours_argv("BUILD", "MODEL_DIR", "DTYPE", "OUT_FILE")),
                     "theirs": " ".join(theirs_argv("DTYPE", args.threads)),
                     "runner": " ".join([sys.executable] + sys.argv)},
        "summary": [], "runs": [],
    }
    out["torch"].pop("parallel", None)
    if not os.path.isfile(os.path.join(args.model_dir, "config.json")):
        make = [common.JAVA, "--add-opens=java.base/java.nio=ALL-UNNAMED", "-cp", java_cp(build),
                "dev.uqabench.llm.LlmBenchmark", "make", args.model_dir]
        record = common.run_child(make, env, args.timeout)
        out["make"] = record
        print(f"make {args.model_dir}: exit {record['exit']}, {record['wall_s']} s", flush=True)
        if record["exit"] != 0:
            common.write_json(args.out, out)
            raise SystemExit("LlmBenchmark make failed:\n" + record["output_tail"][-3000:])
    def measure(side, dtype, round_, core):
        out_file = None
        if side == "ours":
            handle, out_file = tempfile.mkstemp(prefix="llm-bench-", suffix=".md")
            os.close(handle)
            argv = ours_argv(build, args.model_dir, dtype, out_file)
        else:
            argv = theirs_argv(dtype, args.threads)
        record = common.run_child(common.pinned(argv, core), env if side == "ours" else theirs_env, args.timeout)
        record.update(side=side, dtype=dtype, round=round_ + 1, core=core)
        return record, out_file

    for round_ in range(args.rounds):
        for index, dtype in enumerate(dtypes):
            sides = ["ours", "theirs"] if (round_ + index) % 2 == 0 else ["theirs", "ours"]
            done = common.run_sides(sides, lambda side, core: measure(side, dtype, round_, core), args.concurrent)
            for record, out_file in done:
                side = record["side"]
                text = record["output_tail"]
                record["result"] = (parse_ours(text) if side == "ours" else common.last_json_line(text)) \
                    if record["exit"] == 0 else None
                if side == "ours":
                    os.unlink(out_file)
                    if record["result"] is not None:
                        record["result"]["peak_rss_mb"] = (record["polled_peak_rss_mib"] or 0) * 1024 * 1024 / 1e6
                out["runs"].append(record)
                r = record["result"]
                print(f"round {round_ + 1} {dtype} {side:6s} "
                      + (f"core {record['core']} " if record["core"] is not None else "")
                      + (f"prefill128 {r['prefill_128_tokens_per_s']:.1f} prefill512 {r['prefill_512_tokens_per_s']:.1f} "
                         f"decode {r['decode_tokens_per_s']:.2f} tokens/s" if r else "FAILED")
                      + f"  load {record['loadavg_before'].split()[0]} -> {record['loadavg_after'].split()[0]}",
                      flush=True)
                out["summary"] = [summarise(d, out["runs"]) for d in dtypes]
                common.write_json(args.out, out)
    out["finished"] = time.strftime("%Y-%m-%dT%H:%M:%S")
    common.write_json(args.out, out)
    print(f"written to {args.out}")


if __name__ == "__main__":
    main()
