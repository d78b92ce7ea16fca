package trl4j.train.ppo;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import trl4j.config.OptimizerSettings;
import trl4j.config.ScheduleSettings;
import trl4j.data.Comparison;
import trl4j.data.PromptCompletion;
import trl4j.data.debian.DebianTldr;
import trl4j.model.CausalLm;
import trl4j.model.ModelWriter;
import trl4j.model.SequenceClassifier;
import trl4j.model.gpt2.Gpt2Config;
import trl4j.model.registry.Models;
import trl4j.tensor.LogProbs;
import trl4j.tensor.Scalars;
import trl4j.tokenizer.BpeTrainer;
import trl4j.tokenizer.BpeTrainerConfig;
import trl4j.tokenizer.Tokenizer;
import trl4j.train.AdamW;
import trl4j.train.LrSchedule;
import trl4j.train.NanGuard;
import trl4j.train.Seeds;
import trl4j.train.Updater;

/**
 * Stand-ins for the SFT and reward models of the earlier stages, to validate {@code ppo-debian} end to end
 * while those stages' own models do not exist yet. Not part of the suite: runs only with
 * {@code -Dstandins.out=DIR} ({@code mvn -pl trl4j-core test -Dtest=StandInModels -Dstandins.out=runs/standin}).
 * Writes {@code DIR/tokenizer} (BPE 8192 on the train split), {@code DIR/sft} (GPT-2 4×256 from scratch,
 * loss on completion + EOS) and {@code DIR/rm} (that trunk + a score head, Bradley–Terry on the debian
 * comparisons). Budgets in optimizer steps: {@code -Dstandins.sftSteps}, {@code -Dstandins.rmSteps};
 * {@code -Dstandins.sft=DIR} takes an existing causal LM folder (with its tokenizer) instead of training one.
 */
@EnabledIfSystemProperty(named = "standins.out", matches = ".+")
class StandInModels {

    static final int MAX_TOKENS = 256;

    @Test
    void build() throws Exception {
        Path out = Path.of(System.getProperty("standins.out")).toAbsolutePath();
        int sftSteps = Integer.getInteger("standins.sftSteps", 1500);
        int rmSteps = Integer.getInteger("standins.rmSteps", 400);
        Path data = DebianTldr.locate(Path.of("").toAbsolutePath());
        List<PromptCompletion> pairs = DebianTldr.pairs(data, "train");
        Path tokDir = System.getProperty("standins.sft") != null ? Path.of(System.getProperty("standins.sft")) : out.resolve("tokenizer");
        if (!Files.isRegularFile(tokDir.resolve("tokenizer.json"))) {
            BpeTrainer bpe = new BpeTrainer(BpeTrainerConfig.defaults());
            pairs.forEach(p -> bpe.add(p.prompt() + p.completion()));
            bpe.train().save(tokDir);
        }
        try (NDManager manager = NDManager.newBaseManager(); Tokenizer tok = Tokenizer.load(tokDir)) {
            Gpt2Config c = Gpt2Config.of(tok.vocabSize(), 512, 256, 4, 4, tok.eosId(), tok.eosId(), tok.padId());
            Path sftDir = System.getProperty("standins.sft") != null ? Path.of(System.getProperty("standins.sft")) : out.resolve("sft");
            if (!Files.isRegularFile(sftDir.resolve("model.safetensors"))) {
                try (CausalLm lm = (CausalLm) Models.initialize(c, manager, 1)) {
                    sft(lm, tok, pairs, sftSteps);
                    ModelWriter.save(lm, sftDir, tokDir);
                }
            }
            try (SequenceClassifier rm = Models.loadClassifier(sftDir, manager, 1, 2)) {
                rm(rm, tok, DebianTldr.comparisons(data, "train"), DebianTldr.comparisons(data, "validation"), rmSteps);
                ModelWriter.save(rm, out.resolve("rm"), tokDir);
            }
        }
    }

    /** prompt ids (kept at their end) + completion ids + EOS, and the index where the completion starts. */
    static long[][] encode(Tokenizer tok, String prompt, String completion) {
        long[] p = tok.encode(prompt);
        long[] cpl = tok.encode(completion);
        int budget = MAX_TOKENS - cpl.length - 1;
        if (p.length > budget) {
            p = Arrays.copyOfRange(p, p.length - budget, p.length);
        }
        long[] ids = Arrays.copyOf(p, p.length + cpl.length + 1);
        System.arraycopy(cpl, 0, ids, p.length, cpl.length);
        ids[ids.length - 1] = tok.eosId();
        return new long[][] {ids, {p.length}};
    }

    static void sft(CausalLm lm, Tokenizer tok, List<PromptCompletion> pairs, int steps) {
        lm.parameters().setTrainable(n -> true);
        int batch = 16;
        try (AdamW adamw = AdamW.create(lm.parameters(), new OptimizerSettings("adamw", 1e-3, 0.9, 0.99, 1e-8, 0.01))) {
            Updater updater = new Updater(lm.parameters(), adamw, LrSchedule.of(new ScheduleSettings(ScheduleSettings.Type.COSINE, 100, 0, null),
                    1e-3, steps), 1.0, new NanGuard(10));
            for (int step = 1; step <= steps; step++) {
                java.util.Random r = Seeds.random(7, "sft", step);
                List<long[][]> rows = new ArrayList<>();
                for (int i = 0; i < batch; i++) {
                    PromptCompletion p = pairs.get(r.nextInt(pairs.size()));
                    rows.add(encode(tok, p.prompt(), p.completion()));
                }
                int width = rows.stream().mapToInt(x -> x[0].length).max().orElseThrow();
                long[] ids = new long[batch * width];
                float[] weight = new float[batch * width];
                Arrays.fill(ids, tok.padId());
                for (int i = 0; i < batch; i++) {
                    long[] x = rows.get(i)[0];
                    System.arraycopy(x, 0, ids, i * width, x.length);
                    for (int t = (int) rows.get(i)[1][0]; t < x.length; t++) {
                        weight[i * width + t - 1] = 1; // position t−1 predicts token t
                    }
                }
                double loss;
                try (NDManager m = lm.parameters().manager().newSubManager(); GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                    NDArray x = m.create(ids, new Shape(batch, width));
                    NDArray w = m.create(weight, new Shape(batch, width));
                    NDArray logits = lm.logits(x, x.neq(tok.padId()).toType(ai.djl.ndarray.types.DataType.INT64, false), null, null);
                    NDArray nll = LogProbs.gather(logits.get(":, :-1, :"), x.get(":, 1:")).neg().mul(w.get(":, :-1"));
                    NDArray l = nll.sum().div(Scalars.of(nll, w.sum().getFloat()));
                    gc.backward(l);
                    loss = l.getFloat();
                }
                updater.apply(step, loss);
                if (step % 50 == 0) {
                    System.out.printf(Locale.ROOT, "sft %d/%d loss %.4f%n", step, steps, loss);
                }
            }
        }
    }

    static void rm(SequenceClassifier rm, Tokenizer tok, List<Comparison> train, List<Comparison> validation, int steps) {
        rm.parameters().setTrainable(n -> true);
        int batch = 16;
        try (AdamW adamw = AdamW.create(rm.parameters(), new OptimizerSettings("adamw", 3e-4, 0.9, 0.99, 1e-8, 0.01))) {
            Updater updater = new Updater(rm.parameters(), adamw, LrSchedule.of(new ScheduleSettings(ScheduleSettings.Type.COSINE, 40, 0, null),
                    3e-4, steps), 1.0, new NanGuard(10));
            for (int step = 1; step <= steps; step++) {
                java.util.Random r = Seeds.random(7, "rm", step);
                List<Comparison> rows = new ArrayList<>();
                for (int i = 0; i < batch; i++) {
                    rows.add(train.get(r.nextInt(train.size())));
                }
                double loss;
                try (NDManager m = rm.parameters().manager().newSubManager(); GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                    NDArray s = scores(rm, tok, rows, m); // (2B): chosen then rejected
                    NDArray margin = s.get(":" + batch).sub(s.get(batch + ":"));
                    NDArray l = margin.neg().exp().add(1f).log().mean(); // −log σ(margin)
                    gc.backward(l);
                    loss = l.getFloat();
                }
                updater.apply(step, loss);
                if (step % 50 == 0) {
                    System.out.printf(Locale.ROOT, "rm %d/%d loss %.4f%n", step, steps, loss);
                }
            }
        }
        int right = 0;
        int n = Math.min(512, validation.size());
        try (NDManager m = rm.parameters().manager().newSubManager(); var g = trl4j.tensor.GradMode.disabled()) {
            for (int from = 0; from < n; from += 32) {
                List<Comparison> rows = validation.subList(from, Math.min(n, from + 32));
                float[] s;
                try (NDScope scope = new NDScope()) {
                    s = scores(rm, tok, rows, m).toFloatArray(); // each chunk's activations freed at once
                }
                for (int i = 0; i < rows.size(); i++) {
                    right += s[i] > s[rows.size() + i] ? 1 : 0;
                }
            }
        }
        System.out.printf(Locale.ROOT, "rm validation accuracy %.3f on %d pairs%n", (double) right / n, n);
    }

    /** Scores of (prompt + chosen) for every row, then (prompt + rejected): the reward convention of trl4j's reward models (EOS appended). */
    static NDArray scores(SequenceClassifier rm, Tokenizer tok, List<Comparison> rows, NDManager m) {
        List<long[]> seqs = new ArrayList<>();
        for (Comparison c : rows) {
            seqs.add(encode(tok, c.prompt(), completion(c.chosen()))[0]);
        }
        for (Comparison c : rows) {
            seqs.add(encode(tok, c.prompt(), completion(c.rejected()))[0]);
        }
        int width = seqs.stream().mapToInt(x -> x.length).max().orElseThrow();
        long[] ids = new long[seqs.size() * width];
        Arrays.fill(ids, tok.padId());
        for (int i = 0; i < seqs.size(); i++) {
            System.arraycopy(seqs.get(i), 0, ids, i * width, seqs.get(i).length);
        }
        NDArray x = m.create(ids, new Shape(seqs.size(), width));
        return rm.scores(x, x.neq(tok.padId()).toType(ai.djl.ndarray.types.DataType.INT64, false)).reshape(-1);
    }

    static String completion(String summary) {
        return summary.startsWith(" ") ? summary : " " + summary;
    }
}
