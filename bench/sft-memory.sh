#!/usr/bin/env bash
# Native-memory check of the SFT loop: 1000 optimizer steps (with evaluation, generation and checkpoints
# along the way) of a small from-scratch GPT-2 on debian-tldr; the resident set size (memory/rss_mb in
# metrics.jsonl, read from /proc/self/status once the C heap's cache of freed blocks is handed back) at step
# 1000 must be within 5% of step 100. The Java heap is pinned (-Xms = -Xmx, pre-touched; TRL4J_JAVA_OPTS overrides) so
# that the collector's growing it cannot hide or fake a change in native memory; its size is logged too.
# Memory is measured at every logging step here (trl4j.memory.releaseSeconds=0; runs default to once a minute).
#   bench/sft-memory.sh [extra --key=value overrides]       (hold the CPU lock: flock /work/cpu.lock ...)
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
RUN="${RUN_DIR:-$ROOT/runs/bench-sft-memory}"
rm -rf "$RUN"
export TRL4J_JAVA_OPTS="${TRL4J_JAVA_OPTS:--Xms512m -Xmx512m -XX:+AlwaysPreTouch} -Dtrl4j.memory.releaseSeconds=0"
"$ROOT/trl4j" sft --output_dir="$RUN" --model_name_or_path=preset:micro-gpt2 --tokenizer_vocab_size=4096 \
  --completion_only_loss=false --max_length=64 --max_completion_length=24 --per_device_train_batch_size=16 \
  --max_steps=1000 --learning_rate=1e-3 --warmup_steps=50 --logging_steps=100 --eval_steps=250 --save_steps=250 \
  --save_total_limit=2 --max_eval_samples=200 --rouge_eval_samples=50 --gen_kwargs.max_new_tokens=16 "$@" \
  > "$RUN.log" 2>&1 || { tail -20 "$RUN.log"; exit 1; }
python3 - "$RUN/metrics.jsonl" <<'PY'
import json, sys
rss, heap = {}, {}
for line in open(sys.argv[1]):
    d = json.loads(line)
    if "memory/rss_mb" in d["metrics"]:
        rss[d["step"]] = d["metrics"]["memory/rss_mb"]
        heap[d["step"]] = d["metrics"].get("memory/java_heap_mb", float("nan"))
for step in sorted(rss):
    print(f"step {step:5d}  RSS {rss[step]:8.1f} MiB  (Java heap {heap[step]:6.1f} MiB)")
a, b = rss[100], rss[1000]
change = (b - a) / a
print(f"RSS step 100: {a:.1f} MiB, step 1000: {b:.1f} MiB, change {100 * change:+.2f}% ({'flat' if abs(change) <= 0.05 else 'GROWS'})")
sys.exit(0 if abs(change) <= 0.05 else 1)
PY
