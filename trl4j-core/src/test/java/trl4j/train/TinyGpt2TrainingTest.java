package trl4j.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import trl4j.config.OptimizerSettings;
import trl4j.config.ScheduleSettings;
import trl4j.model.CausalLm;
import trl4j.model.Parameters;
import trl4j.model.gpt2.Gpt2Config;
import trl4j.model.gpt2.Gpt2Model;
import trl4j.model.registry.Models;
import trl4j.tensor.TokenLoss;

/**
 * The shared machinery driving a real model: a tiny GPT-2 trained with AdamW, clipping, a warmup
 * schedule and gradient accumulation, checkpointed and resumed mid-way, must end bit-identical to an
 * uninterrupted run; and micro-batches × accumulation must equal one big batch.
 */
class TinyGpt2TrainingTest {

    static final long SEED = 1234;
    static final int ROWS = 16;
    static final int TOKENS = 12;
    static final int MICRO_BATCH = 4;
    static final int ACCUMULATION = 2;
    static final BatchPlan PLAN = new BatchPlan(ROWS, MICRO_BATCH, ACCUMULATION, SEED);
    static final int TOTAL_STEPS = 6;

    static NDManager manager;
    static long[][] ids;
    static long[][] labels;

    @BeforeAll
    static void data() {
        manager = NDManager.newBaseManager();
        Random r = new Random(3);
        ids = new long[ROWS][TOKENS];
        labels = new long[ROWS][TOKENS];
        for (int i = 0; i < ROWS; i++) {
            for (int t = 0; t < TOKENS; t++) {
                ids[i][t] = r.nextInt(32);
                // Prompt-like masking of a random prefix: micro-batches get different target counts.
                labels[i][t] = t < r.nextInt(6) ? TokenLoss.IGNORE_INDEX : ids[i][t];
            }
        }
    }

    @AfterAll
    static void close() {
        manager.close();
    }

    static CausalLm freshModel() {
        Gpt2Config c = Gpt2Config.of(32, 16, 16, 2, 2, 0, 1, null);
        Gpt2Model m = Gpt2Model.initialize(c, manager, 99);
        m.parameters().setTrainable(n -> true);
        return m;
    }

    static final OptimizerSettings ADAMW = new OptimizerSettings("adamw", 1e-2, 0.9, 0.999, 1e-8, 0.1);
    static final ScheduleSettings SCHEDULE = new ScheduleSettings(ScheduleSettings.Type.LINEAR, 2, 0, null);

    /** A stage's training state: what a trainer composes from the shared pieces. */
    static final class Run {
        final CausalLm model;
        final Updater updater;

        Run(CausalLm model, AdamW optimizer, NanGuard guard) {
            this.model = model;
            this.updater = new Updater(model.parameters(), optimizer, LrSchedule.of(SCHEDULE, ADAMW.learningRate(), TOTAL_STEPS),
                    0.5, guard);
        }

        /** Optimizer step {@code step} (1-based) on the rows the plan gives it. */
        Updater.Result step(long step) {
            Seeds.seedStep(SEED, step);
            return trainStep(model, updater, step, PLAN.microBatches(step));
        }
    }

    /** One optimizer step over micro-batches of rows: token-mean loss over the whole accumulated batch. */
    static Updater.Result trainStep(CausalLm model, Updater updater, long step, List<int[]> microBatches) {
        try (NDManager scope = manager.newSubManager()) {
            List<NDArray> shiftedLabels = new ArrayList<>();
            for (int[] rows : microBatches) {
                shiftedLabels.add(batch(scope, labels, rows).get(":, 1:"));
            }
            long targets = GradientAccumulation.countTargets(shiftedLabels);
            double loss = 0;
            for (int[] rows : microBatches) {
                try (NDScope stepScope = new NDScope(); GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                    NDArray logits = model.logits(batch(scope, ids, rows), null, null, null);
                    NDArray[] shifted = TokenLoss.shiftForCausal(logits, batch(scope, labels, rows));
                    NDArray microLoss = GradientAccumulation.tokenMean(TokenLoss.sumAndCount(shifted[0], shifted[1])[0], targets);
                    gc.backward(microLoss);
                    loss += microLoss.getFloat();
                }
            }
            return updater.apply(step, loss);
        }
    }

    static NDArray batch(NDManager m, long[][] source, int[] rows) {
        long[] flat = new long[rows.length * TOKENS];
        for (int i = 0; i < rows.length; i++) {
            System.arraycopy(source[rows[i]], 0, flat, i * TOKENS, TOKENS);
        }
        return m.create(flat, new Shape(rows.length, TOKENS));
    }

    static Map<String, float[]> weights(Parameters p) {
        Map<String, float[]> out = new LinkedHashMap<>();
        p.asMap().forEach((n, a) -> out.put(n, a.toFloatArray()));
        return out;
    }

    @Test
    void checkpointAndResumeMidwayGivesBitIdenticalWeights(@TempDir Path run) throws Exception {
        Map<String, float[]> straight;
        List<Double> straightNorms = new ArrayList<>();
        CausalLm model = freshModel();
        try (AdamW optimizer = AdamW.create(model.parameters(), ADAMW)) {
            Run r = new Run(model, optimizer, new NanGuard(3));
            for (long step = 1; step <= TOTAL_STEPS; step++) {
                Updater.Result result = r.step(step);
                assertTrue(result.applied());
                straightNorms.add(result.gradNorm());
            }
            straight = weights(model.parameters());
        } finally {
            model.close();
        }
        assertTrue(straightNorms.get(0) > 0.5, "clipping was active: norm " + straightNorms.get(0));

        CheckpointManager checkpoints = new CheckpointManager(run, 2, null, false);
        CausalLm first = freshModel();
        try (AdamW optimizer = AdamW.create(first.parameters(), ADAMW)) {
            Run r = new Run(first, optimizer, new NanGuard(3));
            for (long step = 1; step <= 3; step++) {
                r.step(step);
            }
            TrainerState state = new TrainerState(3, PLAN.epochProgress(3), PLAN.epochOf(4), PLAN.batchesInEpochAfter(3),
                    TOTAL_STEPS, SEED, r.updater.guard().skipped(), r.updater.guard().consecutive(),
                    r.updater.schedule().learningRate(2), null, null, null);
            checkpoints.save(state, CheckpointManager.model(first, null).and(optimizer::save), Map.of());
        } finally {
            first.close(); // the interrupted process is gone
        }

        CheckpointManager.Checkpoint latest = checkpoints.latest().orElseThrow();
        assertEquals(3, latest.step());
        assertTrue(Files.isRegularFile(latest.dir().resolve("config.json")), "the model is a Hugging Face folder");
        CausalLm resumed = (CausalLm) Models.load(latest.dir(), manager);
        resumed.parameters().setTrainable(n -> true);
        try (AdamW optimizer = AdamW.restore(resumed.parameters(), latest.dir())) {
            NanGuard guard = new NanGuard(3);
            guard.restore(latest.state().skippedSteps(), latest.state().consecutiveSkips());
            Run r = new Run(resumed, optimizer, guard);
            for (long step = latest.step() + 1; step <= TOTAL_STEPS; step++) {
                assertEquals(straightNorms.get((int) step - 1), r.step(step).gradNorm(), 0.0, "grad norm of step " + step);
            }
            Map<String, float[]> got = weights(resumed.parameters());
            assertEquals(straight.keySet(), got.keySet());
            straight.forEach((name, want) -> assertArrayEquals(want, got.get(name), name));
        } finally {
            resumed.close();
        }
    }

    @Test
    void stepsLeaveNoArraysBehind() {
        CausalLm model = freshModel();
        try (AdamW optimizer = AdamW.create(model.parameters(), ADAMW)) {
            Run r = new Run(model, optimizer, new NanGuard(3));
            r.step(1);
            int afterFirst = ((ai.djl.ndarray.BaseNDManager) manager).getManagedArrays().size();
            // The count covers sub-managers: at least every parameter and its two moments.
            assertTrue(afterFirst >= 3 * model.parameters().names().size(), "managed arrays: " + afterFirst);
            for (long step = 2; step <= 4; step++) {
                r.step(step);
            }
            assertEquals(afterFirst, ((ai.djl.ndarray.BaseNDManager) manager).getManagedArrays().size(),
                    "parameters + moments only; every temporary was closed");
        } finally {
            model.close();
        }
    }

    @Test
    void microBatchesTimesAccumulationEqualOneBigBatch() {
        int[] all = {0, 1, 2, 3, 4, 5, 6, 7};
        CausalLm big = freshModel();
        CausalLm accumulated = freshModel();
        try (AdamW bigOptimizer = AdamW.create(big.parameters(), ADAMW);
                AdamW accOptimizer = AdamW.create(accumulated.parameters(), ADAMW)) {
            LrSchedule constant = LrSchedule.of(new ScheduleSettings(ScheduleSettings.Type.CONSTANT, 0, 0, null), 1e-2, 1);
            // No clipping here and the gradients inspected before the update: Adam's first step divides the
            // gradient scale out, so the weights alone would not catch a wrong loss scaling.
            Map<String, float[]> bigGrads = gradientsAfter(big, List.of(all));
            Map<String, float[]> accGrads = gradientsAfter(accumulated, List.of(new int[] {0, 1}, new int[] {2, 3},
                    new int[] {4, 5}, new int[] {6, 7}));
            bigGrads.forEach((name, want) -> assertClose(want, accGrads.get(name), 1e-6, "gradient of " + name));
            new Updater(big.parameters(), bigOptimizer, constant, 0, new NanGuard(1)).apply(1, 1.0);
            new Updater(accumulated.parameters(), accOptimizer, constant, 0, new NanGuard(1)).apply(1, 1.0);
            Map<String, float[]> bigWeights = weights(big.parameters());
            Map<String, float[]> accWeights = weights(accumulated.parameters());
            bigWeights.forEach((name, want) -> assertClose(want, accWeights.get(name), 1e-6, "weights of " + name));
        } finally {
            big.close();
            accumulated.close();
        }
    }

    /** Backward over micro-batches with the accumulated token-mean loss, gradients left in place. */
    private static Map<String, float[]> gradientsAfter(CausalLm model, List<int[]> microBatches) {
        try (NDManager scope = manager.newSubManager()) {
            List<NDArray> shiftedLabels = new ArrayList<>();
            microBatches.forEach(rows -> shiftedLabels.add(batch(scope, labels, rows).get(":, 1:")));
            long targets = GradientAccumulation.countTargets(shiftedLabels);
            for (int[] rows : microBatches) {
                try (NDScope s = new NDScope(); GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                    NDArray[] shifted = TokenLoss.shiftForCausal(model.logits(batch(scope, ids, rows), null, null, null),
                            batch(scope, labels, rows));
                    gc.backward(GradientAccumulation.tokenMean(TokenLoss.sumAndCount(shifted[0], shifted[1])[0], targets));
                }
            }
            Map<String, float[]> grads = new LinkedHashMap<>();
            for (String name : model.parameters().names()) {
                grads.put(name, Grads.gradient(model.parameters(), name));
            }
            assertFalse(grads.values().stream().allMatch(g -> java.util.Arrays.equals(g, new float[g.length])));
            return grads;
        }
    }

    /** |got − want| ≤ tol · max(1, max|want|) per tensor (the golden-vector rule). */
    private static void assertClose(float[] want, float[] got, double tol, String what) {
        double scale = 1;
        for (float w : want) {
            scale = Math.max(scale, Math.abs(w));
        }
        for (int i = 0; i < want.length; i++) {
            assertEquals(want[i], got[i], tol * scale, what + "[" + i + "]");
        }
    }
}
