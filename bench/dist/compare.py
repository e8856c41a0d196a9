#!/usr/bin/env python3
"""Compares two uqabench run folders made by one process and by several ranks (bench/dist/acceptance.sh).

usage: compare.py steps A/pretrain B/pretrain [N]   -> max relative per-step loss difference over the first N steps
       compare.py metrics A/pretrain B/pretrain     -> the Recall/NDCG@10 of both manifests
       compare.py weights A.safetensors B.safetensors -> max absolute difference over all float32 tensors
       compare.py predictions A B                   -> how many eval/*/predictions.jsonl files are byte-identical
"""
import array, json, os, struct, sys


def steps(a, b, n=50):
    la = [json.loads(l)["loss"] for l in open(os.path.join(a, "steps.jsonl"))][:n]
    lb = [json.loads(l)["loss"] for l in open(os.path.join(b, "steps.jsonl"))][:n]
    assert len(la) == len(lb), (len(la), len(lb))
    return {"steps": len(la), "max_relative_loss_difference": max(abs(x - y) / abs(x) for x, y in zip(la, lb))}


def metrics(a, b):
    ma = json.load(open(os.path.join(a, "manifest.json")))["metrics"]
    mb = json.load(open(os.path.join(b, "manifest.json")))["metrics"]
    keys = ["recall@10", "ndcg@10", "test_recall@10", "test_ndcg@10"]
    return {k: [round(ma[k], 6), round(mb[k], 6)] for k in keys}


def load(path):
    data = open(path, "rb").read()
    n = struct.unpack("<Q", data[:8])[0]
    return json.loads(data[8:8 + n]), data[8 + n:]


def weights(a, b):
    ha, ba = load(a)
    hb, bb = load(b)
    worst = 0.0
    for key, meta in ha.items():
        if key == "__metadata__" or meta["dtype"] != "F32":
            continue
        s, e = meta["data_offsets"]
        s2, e2 = hb[key]["data_offsets"]
        x, y = array.array("f", ba[s:e]), array.array("f", bb[s2:e2])
        worst = max([worst] + [abs(p - q) for p, q in zip(x, y)])
    return {"max_abs_weight_difference": worst}


def predictions(a, b):
    same, files = 0, 0
    for root, _, names in os.walk(os.path.join(a, "eval")):
        for name in names:
            if name == "predictions.jsonl":
                files += 1
                pa = os.path.join(root, name)
                pb = os.path.join(b, os.path.relpath(pa, a))
                same += open(pa, "rb").read() == open(pb, "rb").read()
    return {"prediction_files": files, "byte_identical": same}


if __name__ == "__main__":
    what, *args = sys.argv[1:]
    fn = {"steps": steps, "metrics": metrics, "weights": weights, "predictions": predictions}[what]
    if what == "steps" and len(args) == 3:
        args[2] = int(args[2])
    print(json.dumps(fn(*args)))
