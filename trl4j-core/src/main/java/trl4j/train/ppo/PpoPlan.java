package trl4j.train.ppo;

import trl4j.config.ConfigException;
import trl4j.config.LoopSettings;
import trl4j.config.RunSettings;
import trl4j.config.StageConfig;

/**
 * The arithmetic of a PPO run, resolved from the config: one iteration generates {@code rollouts}
 * responses (in forward batches of {@code forwardBatchSize}), then makes {@code ppoEpochs} passes over
 * them in minibatches of {@code miniBatchSize} rows, each one optimizer step accumulated over
 * micro-batches of {@code microBatchSize}.
 *
 * <p>A step of the run (checkpoints, logs, {@code max_steps}, {@code eval_steps}, {@code save_steps})
 * is one PPO iteration, TRL's {@code global_step}. trlX counts optimizer steps in {@code total_steps},
 * {@code eval_interval} and {@code checkpoint_interval}, and its {@code epochs} are iterations; a trlX
 * file is converted so that it means what it meant there: iterations = min(epochs, ⌈total_steps /
 * optimizer steps per iteration⌉), intervals ⌈interval / optimizer steps per iteration⌉.
 *
 * @param rollouts responses per iteration
 * @param miniBatchSize rows per optimizer step
 * @param microBatchSize rows per forward/backward pass
 * @param forwardBatchSize rows per generation and scoring pass
 * @param ppoEpochs passes over each rollout batch
 * @param iterations PPO iterations of the whole run
 * @param logInterval iterations between metric lines
 * @param evalInterval iterations between evaluations
 * @param saveInterval iterations between checkpoints
 */
public record PpoPlan(int rollouts, int miniBatchSize, int microBatchSize, int forwardBatchSize, int ppoEpochs, long iterations,
        int logInterval, int evalInterval, int saveInterval) {

    /** Rows of a forward batch when {@code local_rollout_forward_batch_size} is unset (capped at the rollouts). */
    public static final int DEFAULT_FORWARD_BATCH = 64;

    public PpoPlan {
        if (rollouts < 1 || miniBatchSize < 1 || microBatchSize < 1 || forwardBatchSize < 1 || ppoEpochs < 1 || iterations < 1) {
            throw new IllegalArgumentException("PPO plan sizes must be >= 1");
        }
        if (rollouts % miniBatchSize != 0) {
            throw new ConfigException("num_rollouts", "num_rollouts = " + rollouts + " must be a multiple of the minibatch size "
                    + miniBatchSize, "must be a multiple of the minibatch size");
        }
        if (miniBatchSize % microBatchSize != 0) {
            throw new ConfigException("mini_batch_size", "the minibatch size " + miniBatchSize
                    + " must be a multiple of per_device_train_batch_size = " + microBatchSize, "must be a multiple of the micro-batch");
        }
    }

    public int miniBatches() {
        return rollouts / miniBatchSize;
    }

    /** Micro-batches per optimizer step. */
    public int accumulation() {
        return miniBatchSize / microBatchSize;
    }

    public long optimizerStepsPerIteration() {
        return (long) ppoEpochs * miniBatches();
    }

    public long totalOptimizerSteps() {
        return iterations * optimizerStepsPerIteration();
    }

    /** Whether to log / evaluate / save after iteration {@code step} (1-based); the last one always saves. */
    public boolean logsAt(long step) {
        return step % logInterval == 0 || step == iterations;
    }

    public boolean evaluatesAt(long step) {
        return step % evalInterval == 0 || step == iterations;
    }

    public boolean savesAt(long step) {
        return step % saveInterval == 0;
    }

    /**
     * Resolves the plan.
     *
     * @param trlxLayout whether the file was in trlX's layout (its step counts are optimizer steps)
     * @param promptCount rows of the training prompts (for epoch-based lengths)
     */
    public static PpoPlan of(StageConfig<PpoMethod> config, boolean trlxLayout, int promptCount) {
        PpoMethod m = config.method();
        LoopSettings loop = config.training().loop();
        RunSettings run = config.training().run();
        int micro = loop.perDeviceTrainBatchSize();
        int mini = m.miniBatchSize() != null ? m.miniBatchSize() : loop.effectiveBatchSize();
        int rollouts;
        if (m.numRollouts() != null) {
            rollouts = m.numRollouts();
            if (m.numMiniBatches() != 1 && (long) m.numMiniBatches() * mini != rollouts) {
                throw new ConfigException("num_mini_batches", "num_mini_batches = " + m.numMiniBatches() + " contradicts num_rollouts = "
                        + rollouts + " with minibatches of " + mini + " rows; keep one", "contradicts num_rollouts");
            }
        } else {
            rollouts = mini * m.numMiniBatches();
        }
        int forward = m.localRolloutForwardBatchSize() != null ? m.localRolloutForwardBatchSize() : Math.min(DEFAULT_FORWARD_BATCH, rollouts);
        // Validates divisibility before the step arithmetic below.
        PpoPlan shape = new PpoPlan(rollouts, mini, micro, forward, m.numPpoEpochs(), 1, 1, 1, 1);
        long optPerIteration = shape.optimizerStepsPerIteration();
        long iterations;
        if (m.totalEpisodes() != null) {
            iterations = ceilDiv(m.totalEpisodes(), rollouts);
        } else if (trlxLayout) {
            long byEpochs = (long) Math.ceil(loop.numTrainEpochs());
            iterations = loop.maxSteps() > 0 ? Math.min(byEpochs, ceilDiv(loop.maxSteps(), optPerIteration)) : byEpochs;
        } else if (loop.maxSteps() > 0) {
            iterations = loop.maxSteps();
        } else {
            if (promptCount < 1) {
                throw new IllegalArgumentException("no training prompts");
            }
            iterations = Math.max(1, (long) Math.ceil(loop.numTrainEpochs() * promptCount / rollouts));
        }
        int eval;
        if (run.evalSteps() != null) {
            eval = trlxLayout ? (int) ceilDiv(run.evalSteps(), optPerIteration) : run.evalSteps();
        } else {
            eval = (int) Math.max(1, iterations / m.numSampleGenerations());
        }
        int save = trlxLayout ? (int) ceilDiv(run.saveSteps(), optPerIteration) : run.saveSteps();
        return new PpoPlan(rollouts, mini, micro, forward, m.numPpoEpochs(), iterations, run.loggingSteps(), eval, save);
    }

    private static long ceilDiv(long a, long b) {
        return (a + b - 1) / b;
    }
}
