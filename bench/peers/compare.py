#!/usr/bin/python3
"""Keystorm and its peers on the same logins, single-threaded, same run.

  compare.py --keystorm BIN --corpus FILE [--limit N] [--repetitions R]
             [--out RESULT.json] [--peers fido2,simplewebauthn]

1. `keystorm corpus export` writes the corpus's first N logins as neutral
   JSON lines (the same keys, the same request bytes for everyone);
2. each peer verifies them, one thread, R times; Keystorm replays the same N
   logins with one pipeline worker and an in-memory store, R times;
3. every peer's verdicts must equal the corpus's for the cases it supports
   (a mismatch fails the run, exit 1); Keystorm's are checked by the replay
   itself.

Figures are medians over the repetitions.  "per core" is logins per CPU
second of the process (user + system): on a shared machine wall time
measures the neighbours too, CPU time does not.  Wall-clock rates are
reported beside it.
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))


def run_json(cmd, cwd=None):
    proc = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True)
    out = proc.stdout.strip().splitlines()
    if proc.returncode != 0 or not out:
        sys.stderr.write(proc.stderr[-4000:])
        raise RuntimeError("%s failed (exit %d): %s" % (cmd[0], proc.returncode,
                                                         out[-1] if out else ""))
    return json.loads(out[-1])


def peer_commands(logins_path):
    return {
        "python-fido2": (["/usr/bin/python3", os.path.join(HERE, "fido2_peer.py"), logins_path],
                         None),
        "SimpleWebAuthn": (["node", "verify.mjs", logins_path],
                           os.path.join(HERE, "simplewebauthn")),
    }


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--keystorm", required=True)
    ap.add_argument("--corpus", required=True)
    ap.add_argument("--limit", type=int, default=0)
    ap.add_argument("--repetitions", type=int, default=3)
    ap.add_argument("--peers", default="python-fido2,SimpleWebAuthn")
    ap.add_argument("--out")
    args = ap.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        logins_path = os.path.join(tmp, "logins.jsonl")
        subprocess.run([args.keystorm, "corpus", "export", args.corpus, "--out", logins_path,
                        "--limit", str(args.limit)], check=True)
        with open(logins_path) as f:
            n = sum(1 for _ in f)
        info = run_json([args.keystorm, "corpus", "info", args.corpus])

        commands = peer_commands(logins_path)
        wanted = [p for p in args.peers.split(",") if p]
        rounds = {name: [] for name in wanted + ["Keystorm"]}
        failed = False
        for _ in range(args.repetitions):
            # Interleaved, so that drift of the machine hits everyone alike.
            for name in wanted:
                cmd, cwd = commands[name]
                proc = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True)
                result = json.loads(proc.stdout.strip().splitlines()[-1])
                if result.get("mismatches", 1) != 0:
                    failed = True
                rounds[name].append(result)
            ks = run_json([args.keystorm, "bench", "replay", "--corpus", args.corpus,
                           "--limit", str(n), "--threads", "1", "--store", "memory",
                           "--rate", "0", "--ceiling-seconds", "0.3",
                           "--ceiling-repetitions", "1"])
            rounds["Keystorm"].append(ks)

    ks_per_s = statistics.median(r["throughput_per_s"] for r in rounds["Keystorm"])
    ks_per_cpu = statistics.median(
        r["logins"] / (r["cpu_user_s"] + r["cpu_system_s"]) for r in rounds["Keystorm"])
    ceiling = statistics.median(r["ceiling_p256_1t_per_s"] for r in rounds["Keystorm"])
    report = {
        "corpus": os.path.basename(args.corpus),
        "logins": n,
        "algorithms": info["algorithms"],
        "machine": rounds["Keystorm"][0]["machine"],
        "repetitions": args.repetitions,
        "ceiling_p256_1t_per_s": ceiling,
        "keystorm": {"per_s": ks_per_s, "per_cpu_s": ks_per_cpu,
                     "ratio_to_ceiling": ks_per_s / ceiling if ceiling else 0},
        "peers": [],
        "passed": not failed,
    }
    for name in wanted:
        rs = rounds[name]
        per_s = statistics.median(r["per_s"] for r in rs)
        per_cpu = statistics.median(r["per_cpu_s"] for r in rs)
        report["peers"].append({
            "peer": name,
            "version": rs[0]["version"],
            "runtime": rs[0]["runtime"],
            "supported": rs[0]["supported"],
            "unsupported": rs[0]["unsupported"],
            "mismatches": max(r["mismatches"] for r in rs),
            "mismatch_list": rs[0]["mismatch_list"],
            "per_s": per_s,
            "per_cpu_s": per_cpu,
            "keystorm_per_core_ratio": ks_per_cpu / per_cpu if per_cpu else 0,
            "keystorm_wall_ratio": ks_per_s / per_s if per_s else 0,
        })
    text = json.dumps(report, indent=1)
    print(text)
    if args.out:
        with open(args.out, "w") as f:
            f.write(text + "\n")
    if failed:
        sys.stderr.write("peers: FAILED: a peer's verdict differs from the corpus\n")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
