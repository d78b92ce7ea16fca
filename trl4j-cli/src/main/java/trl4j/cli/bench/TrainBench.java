package trl4j.cli.bench;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import trl4j.config.OptimizerSettings;
import trl4j.config.ScheduleSettings;
import trl4j.model.LanguageModel;
import trl4j.model.Seq2SeqLm;
import trl4j.model.registry.Models;
import trl4j.model.registry.Presets;
import trl4j.train.AdamW;
import trl4j.train.GradientAccumulation;
import trl4j.train.LrSchedule;
import trl4j.train.NanGuard;
import trl4j.train.Updater;
import trl4j.train.sft.SftBatch;
import trl4j.train.sft.SftCollator;
import trl4j.train.sft.SftEncoder;
import trl4j.train.sft.SftLoss;

/**
 * Training-step throughput of trl4j: the SFT trainer's step (forward, backward, global-norm clipping,
 * AdamW) on random tokens, for the GPT-2 bench shape (causal LM loss on every next token) and the
 * t5-small shape (encoder reads the source, loss on every target token). Dropout is off, as on the
 * PyTorch side. Model FLOPs are counted analytically (every matmul, attention included, backward = 2 ×
 * forward) and set against an fp32 GEMM peak measured in the same process.
 */
public final class TrainBench {

    /** Shapes of one benchmark. */
    public record Shape3(String model, int batchSize, int sourceLength, int targetLength) {}

    /**
     * @param tokensPerStep tokens one step reads (GPT-2: B·T; T5: B·(S + U))
     * @param flopsPerStep model FLOPs of one step (3 × forward matmul FLOPs)
     * @param stepSeconds best step time
     * @param matmulPeakGflops best 2048³ fp32 GEMM rate of the engine
     */
    public record Result(long tokensPerStep, double flopsPerStep, double stepSeconds, double matmulPeakGflops, long parameters) {
        public double tokensPerSecond() {
            return tokensPerStep / stepSeconds;
        }

        public double achievedGflops() {
            return flopsPerStep / stepSeconds / 1e9;
        }

        public double mfu() {
            return achievedGflops() / matmulPeakGflops;
        }
    }

    private TrainBench() {}

    public static Result run(Shape3 s, int steps) {
        boolean t5 = s.model().equals("t5-small");
        int vocab = t5 ? 32128 : 16384;
        try (NDManager manager = NDManager.newBaseManager();
                LanguageModel model = Models.initialize(Presets.config(s.model(), new Presets.Vocabulary(vocab, 0, 1, null)), manager, 0)) {
            model.parameters().setTrainable(n -> true);
            Random random = new Random(1);
            List<SftEncoder.Example> rows = new ArrayList<>();
            for (int i = 0; i < s.batchSize(); i++) {
                if (t5) {
                    rows.add(new SftEncoder.Example(tokens(random, s.sourceLength(), vocab), tokens(random, s.targetLength(), vocab)));
                } else {
                    rows.add(new SftEncoder.Example(new long[0], tokens(random, s.sourceLength(), vocab)));
                }
            }
            SftBatch batch = SftCollator.of(model, false).collate(rows);
            try (AdamW adamw = AdamW.create(model.parameters(), new OptimizerSettings("adamw", 1e-4, 0.9, 0.999, 1e-8, 0.01))) {
                Updater updater = new Updater(model.parameters(), adamw,
                        LrSchedule.of(ScheduleSettings.DEFAULTS, 1e-4, 1_000_000), 1.0, new NanGuard(10));
                step(model, batch, updater, 1); // warm-up: allocations, optimizer state
                double best = Double.MAX_VALUE;
                for (int i = 0; i < steps; i++) {
                    long t0 = System.nanoTime();
                    step(model, batch, updater, i + 2);
                    best = Math.min(best, (System.nanoTime() - t0) / 1e9);
                }
                long tokens = t5 ? (long) s.batchSize() * (s.sourceLength() + s.targetLength()) : (long) s.batchSize() * s.sourceLength();
                return new Result(tokens, flopsPerStep(model, s), best, matmulPeak(manager), model.parameters().count());
            }
        }
    }

    private static void step(LanguageModel model, SftBatch batch, Updater updater, long step) {
        double loss;
        try (NDManager scope = model.parameters().manager().newSubManager(); NDScope s = new NDScope();
                GradientCollector gc = Engine.getInstance().newGradientCollector()) {
            NDArray mean = GradientAccumulation.tokenMean(SftLoss.nllSum(model, batch, scope), batch.targetCount());
            gc.backward(mean);
            loss = mean.getFloat();
        }
        if (!updater.apply(step, loss).applied()) {
            throw new IllegalStateException("non-finite loss in the benchmark");
        }
    }

    private static long[] tokens(Random random, int n, int vocab) {
        long[] ids = new long[n];
        for (int i = 0; i < n; i++) {
            ids[i] = 2 + random.nextInt(vocab - 2);
        }
        return ids;
    }

    /**
     * Matmul FLOPs of a training step: 3 × forward (backward computes two matmuls per forward matmul).
     * GPT-2 per token: L·(24·d² + 4·T·d) + 2·d·V. T5 per source token: L·(8·d·i + 4·d·f + 4·S·i) +
     * L·4·d·i (cross-attention keys/values); per target token: L·(8·d·i + 4·d·i + 4·d·f + 4·U·i + 4·S·i)
     * + 2·d·V (i = heads·d_kv, f = d_ff).
     */
    static double flopsPerStep(LanguageModel model, Shape3 s) {
        double b = s.batchSize();
        if (model instanceof Seq2SeqLm) {
            double d = 512, inner = 512, ff = 2048, layers = 6, vocab = 32128, src = s.sourceLength(), tgt = s.targetLength();
            double perSource = layers * (8 * d * inner + 4 * d * ff + 4 * src * inner) + layers * 4 * d * inner;
            double perTarget = layers * (8 * d * inner + 4 * d * inner + 4 * d * ff + 4 * tgt * inner + 4 * src * inner) + 2 * d * vocab;
            return 3 * b * (src * perSource + tgt * perTarget);
        }
        double d = 512, layers = 6, vocab = 16384, t = s.sourceLength();
        return 3 * b * t * (layers * (24 * d * d + 4 * t * d) + 2 * d * vocab);
    }

    /** Best rate of a 2048 × 2048 × 2048 fp32 GEMM, GFLOP/s. */
    public static double matmulPeak(NDManager manager) {
        int n = 2048;
        try (NDManager m = manager.newSubManager()) {
            NDArray a = m.randomNormal(new Shape(n, n));
            NDArray c = m.randomNormal(new Shape(n, n));
            a.matMul(c).close();
            double best = Double.MAX_VALUE;
            for (int i = 0; i < 5; i++) {
                long t0 = System.nanoTime();
                a.matMul(c).close();
                best = Math.min(best, (System.nanoTime() - t0) / 1e9);
            }
            return 2.0 * n * n * n / best / 1e9;
        }
    }
}
