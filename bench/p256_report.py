#!/usr/bin/python3
"""Summarises a p256_verify_bench JSON run: median verifications/s per library
and each one's ratio to the BoringSSL Keystorm links, as a markdown table.

Usage: p256_verify_bench --benchmark_repetitions=7 \
         --benchmark_enable_random_interleaving=true \
         --benchmark_format=json > run.json
       p256_report.py run.json
"""
import json
import statistics
import sys


def main(path):
    with open(path) as f:
        run = json.load(f)
    rates = {}
    for b in run["benchmarks"]:
        if b.get("run_type") != "iteration" or "items_per_second" not in b:
            continue
        name = b["run_name"].split("/")[0].replace("BM_P256Verify_", "")
        rates.setdefault(name, []).append(b["items_per_second"])
    if "Keystorm" not in rates:
        sys.exit("no Keystorm rows in " + path)
    base = statistics.median(rates["Keystorm"])
    ctx = run["context"]
    model = "unknown CPU"
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    model = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    print(f"Machine: {model}, {ctx['num_cpus']} CPUs, date {ctx['date']}")
    print()
    print("| library | median verifies/s (1 core) | rounds | min | max | ratio to Keystorm's |")
    print("|---|---:|---:|---:|---:|---:|")
    for name, values in rates.items():
        med = statistics.median(values)
        print(f"| {name} | {med:,.0f} | {len(values)} | {min(values):,.0f} | "
              f"{max(values):,.0f} | {med / base:.2f} |")


if __name__ == "__main__":
    main(sys.argv[1])
