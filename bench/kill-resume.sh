#!/usr/bin/env bash
# Crash safety of `trl4j pipeline`: kill -9 the pipeline at random moments (some of them while a
# checkpoint is being written), resume with --resume each time, and check that every resume makes
# progress, the run completes, and no checkpoint is ever half-written.
#
#   bench/kill-resume.sh [--kills N] [--out DIR] [--preset quick|full] [-- extra pipeline args]
#
# Prints each kill (time, stage, whether a checkpoint write was in flight) and a final verdict;
# exits non-zero if any check fails.
set -uo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
KILLS=5
OUT="$ROOT/runs/kill-resume-$(date +%s)"
PRESET=quick
EXTRA=()
while [ $# -gt 0 ]; do
  case "$1" in
    --kills) KILLS="$2"; shift 2 ;;
    --out) OUT="$2"; shift 2 ;;
    --preset) PRESET="$2"; shift 2 ;;
    --) shift; EXTRA=("$@"); break ;;
    *) echo "unknown argument $1" >&2; exit 2 ;;
  esac
done
LOG="$OUT.log"
mkdir -p "$(dirname "$OUT")"
"$ROOT/trl4j" --version >/dev/null || exit 2   # build once, outside the timed runs
echo "kill-resume: preset $PRESET, $KILLS kills, run folder $OUT, log $LOG"

# A staging folder (hidden, ".step-N.staging-*" or ".<name>.staging-*") exists only while a checkpoint
# or model folder is being written.
writing_checkpoint() {
  find "$OUT" -name '.*.staging-*' -maxdepth 4 2>/dev/null | grep -q .
}

current_stage() {
  ls -t "$OUT" 2>/dev/null | grep -v '^\.' | head -1
}

kills_done=0
during_write=0
attempt=0
while :; do
  attempt=$((attempt + 1))
  args=(pipeline --preset "$PRESET" --out "$OUT")
  [ $attempt -gt 1 ] && args+=(--resume)
  "$ROOT/trl4j" "${args[@]}" "${EXTRA[@]}" >>"$LOG" 2>&1 &
  pid=$!
  if [ $kills_done -ge $KILLS ]; then
    wait $pid; rc=$?
    echo "final run (attempt $attempt) exited with $rc"
    break
  fi
  # Odd kills wait for a checkpoint write to be in flight (up to 10 minutes); even kills fire at a
  # random moment between 5 and 40 seconds.
  if [ $((kills_done % 2)) -eq 1 ]; then
    deadline=$((SECONDS + 600)); hit=0
    while kill -0 $pid 2>/dev/null && [ $SECONDS -lt $deadline ]; do
      if writing_checkpoint; then hit=1; break; fi
      sleep 0.05
    done
  else
    sleep $((5 + RANDOM % 36)); hit=0
    writing_checkpoint && hit=1
  fi
  if ! kill -0 $pid 2>/dev/null; then
    wait $pid; rc=$?
    echo "attempt $attempt finished by itself (exit $rc) before it could be killed"
    [ $rc -ne 0 ] && { echo "FAIL: pipeline failed; see $LOG"; exit 1; }
    break
  fi
  kill -9 $pid 2>/dev/null; wait $pid 2>/dev/null
  kills_done=$((kills_done + 1))
  during_write=$((during_write + hit))
  echo "kill $kills_done: attempt $attempt, stage '$(current_stage)', checkpoint write in flight: $([ $hit -eq 1 ] && echo yes || echo no)"
done

fail=0
[ -f "$OUT/report.md" ] && [ -f "$OUT/report.html" ] && [ -f "$OUT/results.json" ] || { echo "FAIL: report missing"; fail=1; }
[ "${rc:-1}" -eq 0 ] || { echo "FAIL: the last run exited with ${rc:-?}"; fail=1; }
# Every published checkpoint is complete: a model config, weights and trainer state.
for ck in $(find "$OUT" -type d -name 'step-*' -path '*checkpoints*' 2>/dev/null); do
  if [ ! -f "$ck/trainer_state.json" ] || ! ls "$ck" | grep -q .; then
    echo "FAIL: incomplete checkpoint $ck"; fail=1
  fi
done
leftovers=$(find "$OUT" -name '.*.staging-*' 2>/dev/null | wc -l)
[ "$leftovers" -eq 0 ] || echo "note: $leftovers staging folders left by the last kill were not yet cleaned (cleaned on the next resume)"
echo "kill-resume: $kills_done kills ($during_write during a checkpoint write), $attempt runs; $([ $fail -eq 0 ] && echo PASS || echo FAIL)"
exit $fail
