// A quick from-scratch causal LM on debian-tldr, for trying the reward stage before the SFT stage's model
// exists: BPE (vocab 8192) on the train split, a small GPT-2 initialised as transformers does, then language
// modelling on "document\nTL;DR: synopsis<eos>" (every token, not only the summary) for a time budget.
// It stands in for runs/sft-debian/final; point the reward config at it:
//
//   ./trl4j --help >/dev/null    # builds trl4j-cli/target/trl4j-cli.jar
//   flock /work/cpu.lock java -cp trl4j-cli/target/trl4j-cli.jar bench/RewardBaseLm.java --out runs/rm-base-lm --minutes 20
//   ./trl4j reward train --config configs/rm-debian.yaml --model_name_or_path=runs/rm-base-lm
//
// Options: --out DIR (default runs/rm-base-lm), --minutes M (default 20), --layers 4, --width 256, --heads 4,
// --max-length 256, --batch 16, --lr 1e-3, --seed 1.

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import trl4j.config.OptimizerSettings;
import trl4j.config.ScheduleSettings;
import trl4j.data.PromptCompletion;
import trl4j.data.debian.DebianTldr;
import trl4j.model.CausalLm;
import trl4j.model.ModelWriter;
import trl4j.model.gpt2.Gpt2Config;
import trl4j.model.registry.Models;
import trl4j.tensor.TokenLoss;
import trl4j.tokenizer.BpeTrainer;
import trl4j.tokenizer.BpeTrainerConfig;
import trl4j.tokenizer.Tokenizer;
import trl4j.train.AdamW;
import trl4j.train.BatchPlan;
import trl4j.train.GradientAccumulation;
import trl4j.train.LrSchedule;
import trl4j.train.NanGuard;
import trl4j.train.ProgressBar;
import trl4j.train.Seeds;
import trl4j.train.Updater;

public class RewardBaseLm {

    public static void main(String[] args) throws Exception {
        Map<String, String> a = new HashMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) {
            a.put(args[i].replaceFirst("^--", ""), args[i + 1]);
        }
        Path out = Path.of(a.getOrDefault("out", "runs/rm-base-lm"));
        double minutes = Double.parseDouble(a.getOrDefault("minutes", "20"));
        int layers = Integer.parseInt(a.getOrDefault("layers", "4"));
        int width = Integer.parseInt(a.getOrDefault("width", "256"));
        int heads = Integer.parseInt(a.getOrDefault("heads", "4"));
        int maxLength = Integer.parseInt(a.getOrDefault("max-length", "256"));
        int batch = Integer.parseInt(a.getOrDefault("batch", "16"));
        double lr = Double.parseDouble(a.getOrDefault("lr", "1e-3"));
        long seed = Long.parseLong(a.getOrDefault("seed", "1"));

        long t0 = System.nanoTime();
        List<PromptCompletion> train = DebianTldr.pairs(Path.of(""), "train");
        Path tokDir = out.resolveSibling(out.getFileName() + "-tokenizer");
        BpeTrainer bpe = new BpeTrainer(BpeTrainerConfig.defaults());
        for (PromptCompletion p : train) {
            bpe.add(p.prompt() + p.completion());
        }
        bpe.train().save(tokDir);
        System.err.printf("tokenizer: %.1f s%n", (System.nanoTime() - t0) / 1e9);

        List<long[]> rows = new ArrayList<>();
        try (Tokenizer tok = Tokenizer.load(tokDir)) {
            List<String> texts = train.stream().map(p -> p.prompt() + p.completion()).toList();
            for (long[] ids : tok.encodeBatch(texts, true)) {
                int n = Math.min(ids.length, maxLength - 1);
                long[] r = java.util.Arrays.copyOf(ids, n + 1);
                r[n] = tok.eosId();
                rows.add(r);
            }
            Gpt2Config config = new Gpt2Config(tok.vocabSize(), 512, width, layers, heads, 4 * width, "gelu_new", 1e-5, 0.02,
                    true, 0.0, 0.0, 0.0, tok.eosId(), List.of(tok.eosId()), tok.padId(), null);
            try (NDManager m = NDManager.newBaseManager(); CausalLm lm = (CausalLm) Models.initialize(config, m, seed)) {
                lm.parameters().setTrainable(n -> true);
                // Batches of similar lengths (rows sorted by length, cut into batches, batch order shuffled per
                // epoch): little padding, so the time goes to real tokens.
                Integer[] byLength = java.util.stream.IntStream.range(0, rows.size()).boxed().toArray(Integer[]::new);
                java.util.Arrays.sort(byLength, java.util.Comparator.comparingInt((Integer i) -> rows.get(i).length).thenComparingInt(i -> i));
                int batches = rows.size() / batch;
                BatchPlan plan = new BatchPlan(batches, 1, 1, seed);
                long budgetSteps = 100_000; // the clock stops it; the schedule assumes ~the steps that fit
                long plannedSteps = Long.parseLong(a.getOrDefault("steps", "1500"));
                try (AdamW adamw = AdamW.create(lm.parameters(), new OptimizerSettings("adamw", lr, 0.9, 0.95, 1e-8, 0.1))) {
                    Updater up = new Updater(lm.parameters(), adamw, LrSchedule.of(new ScheduleSettings(ScheduleSettings.Type.COSINE,
                            100, 0, null), lr, plannedSteps), 1.0, new NanGuard(10));
                    ProgressBar bar = ProgressBar.toStderr("base-lm", plannedSteps);
                    long deadline = System.nanoTime() + (long) (minutes * 60e9);
                    for (long step = 1; step <= Math.min(plannedSteps, budgetSteps) && System.nanoTime() < deadline; step++) {
                        Seeds.seedStep(seed, step);
                        int chunk = plan.microBatches(step).get(0)[0];
                        int[] idx = new int[batch];
                        for (int i = 0; i < batch; i++) {
                            idx[i] = byLength[chunk * batch + i];
                        }
                        int w = 0;
                        for (int i : idx) {
                            w = Math.max(w, rows.get(i).length);
                        }
                        long[] ids = new long[idx.length * w];
                        long[] labels = new long[idx.length * w];
                        java.util.Arrays.fill(ids, tok.padId());
                        java.util.Arrays.fill(labels, TokenLoss.IGNORE_INDEX);
                        long tokens = 0;
                        for (int b = 0; b < idx.length; b++) {
                            long[] r = rows.get(idx[b]);
                            System.arraycopy(r, 0, ids, b * w, r.length);
                            System.arraycopy(r, 0, labels, b * w, r.length);
                            tokens += r.length;
                        }
                        double loss;
                        try (NDManager s = m.newSubManager(); NDScope scope = new NDScope();
                                GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                            NDArray x = s.create(ids, new Shape(idx.length, w));
                            NDArray y = s.create(labels, new Shape(idx.length, w));
                            NDArray[] shifted = TokenLoss.shiftForCausal(lm.logits(x, null, null, null), y);
                            NDArray[] sc = TokenLoss.sumAndCount(shifted[0], shifted[1]);
                            NDArray l = GradientAccumulation.tokenMean(sc[0], (long) sc[1].toType(ai.djl.ndarray.types.DataType.FLOAT64, false).getDouble());
                            gc.backward(l);
                            loss = l.getFloat();
                        }
                        Updater.Result r = up.apply(step, loss);
                        bar.update(step, loss, r.learningRate(), tokens);
                    }
                }
                ModelWriter.save(lm, out, tokDir);
            }
        }
        System.err.printf("base LM in %s after %.1f min%n", out, (System.nanoTime() - t0) / 60e9);
    }
}
