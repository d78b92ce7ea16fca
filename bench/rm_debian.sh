#!/usr/bin/env bash
# The rm-debian acceptance run: ./trl4j reward train --config configs/rm-debian.yaml with the process's
# resident memory sampled every 30 s (flat memory), the load average before and after, then the
# held-out test split evaluated. Run it under the machine-wide CPU lock:
#
#   flock /work/cpu.lock bench/rm_debian.sh [MODEL_DIR] [OUT_DIR]
#
# MODEL_DIR defaults to the SFT stage's runs/sft-debian/final (bench/RewardBaseLm.java makes a stand-in).
set -euo pipefail
cd "$(dirname "$0")/.."
MODEL="${1:-runs/sft-debian/final}"
OUT="${2:-runs/rm-debian}"
./trl4j --version >/dev/null   # build first, outside the timing
echo "load before: $(uptime)"
start=$(date +%s)
./trl4j reward train --config configs/rm-debian.yaml --model_name_or_path="$MODEL" --output_dir="$OUT" 2>"$OUT.log" &
pid=$!
while kill -0 "$pid" 2>/dev/null; do
  rss=$(ps -o rss= -p "$pid" 2>/dev/null || true)
  step=$(grep -o 'reward *[0-9]*/[0-9]*' "$OUT.log" 2>/dev/null | tail -1 || true)
  [ -n "$rss" ] && echo "$(( $(date +%s) - start ))s rss ${rss} kB ${step}"
  sleep 30
done
wait "$pid"
echo "training wall time: $(( $(date +%s) - start )) s"
echo "load after: $(uptime)"
./trl4j reward eval --model "$OUT/final" --data data/debian-tldr/comparisons-test.jsonl.gz
