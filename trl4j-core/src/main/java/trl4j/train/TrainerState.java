package trl4j.train;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import trl4j.checkpoint.AtomicFiles;
import trl4j.checkpoint.CheckpointException;

/**
 * Where a run stands, saved as {@code trainer_state.json} in every checkpoint (key names follow
 * Hugging Face's {@code TrainerState} where one exists). With the model and optimizer files beside
 * it, this is all a run needs to continue exactly: random draws derive from {@code seed} and the
 * step ({@link Seeds}), and the data position says which batch comes next.
 *
 * @param globalStep optimizer steps taken, skipped (NaN) steps included
 * @param epoch progress in epochs, fractional (HF's {@code epoch})
 * @param epochIndex the epoch being trained (0-based)
 * @param batchesInEpoch micro-batches of that epoch already consumed (the data position)
 * @param maxSteps the run's planned optimizer steps
 * @param seed the run seed
 * @param skippedSteps steps skipped by the NaN guard so far
 * @param consecutiveSkips skipped steps since the last good one
 * @param learningRate learning rate of the last step (for display)
 * @param bestMetric best value of {@code metric_for_best_model} so far, or null
 * @param bestModelCheckpoint checkpoint folder (relative to the run) that holds it, or null
 * @param extra a stage's own state (PPO: KL coefficient, running reward statistics), or empty
 */
public record TrainerState(long globalStep, double epoch, long epochIndex, long batchesInEpoch, long maxSteps, long seed,
        long skippedSteps, int consecutiveSkips, double learningRate, Double bestMetric, String bestModelCheckpoint,
        ObjectNode extra) {

    public static final String FILE = "trainer_state.json";

    private static final ObjectMapper JSON = new ObjectMapper();

    public TrainerState {
        if (globalStep < 0 || epochIndex < 0 || batchesInEpoch < 0 || skippedSteps < 0 || consecutiveSkips < 0) {
            throw new IllegalArgumentException("trainer state counters must be >= 0: step " + globalStep + ", epoch "
                    + epochIndex + ", batch " + batchesInEpoch + ", skipped " + skippedSteps + "/" + consecutiveSkips);
        }
        extra = extra == null ? JSON.createObjectNode() : extra.deepCopy();
    }

    /** The state at the start of a run. */
    public static TrainerState start(long maxSteps, long seed) {
        return new TrainerState(0, 0, 0, 0, maxSteps, seed, 0, 0, 0, null, null, null);
    }

    /** A copy of the stage's own state (the record stays immutable). */
    @Override
    public ObjectNode extra() {
        return extra.deepCopy();
    }

    /** The same state with the best metric and its checkpoint. */
    public TrainerState withBest(Double metric, String checkpoint) {
        return new TrainerState(globalStep, epoch, epochIndex, batchesInEpoch, maxSteps, seed, skippedSteps,
                consecutiveSkips, learningRate, metric, checkpoint, extra);
    }

    /** The JSON object written to {@link #FILE}. */
    public ObjectNode toJson() {
        ObjectNode o = JSON.createObjectNode();
        o.put("global_step", globalStep);
        o.put("epoch", epoch);
        o.put("epoch_index", epochIndex);
        o.put("batches_in_epoch", batchesInEpoch);
        o.put("max_steps", maxSteps);
        o.put("seed", seed);
        o.put("rng", "every random draw is seeded from (seed, purpose, global_step or epoch); see trl4j.train.Seeds");
        o.put("skipped_steps", skippedSteps);
        o.put("consecutive_skips", consecutiveSkips);
        o.put("learning_rate", learningRate);
        if (bestMetric == null) {
            o.putNull("best_metric");
        } else {
            o.put("best_metric", bestMetric);
        }
        o.put("best_model_checkpoint", bestModelCheckpoint);
        o.set("extra", extra.deepCopy());
        return o;
    }

    public static TrainerState fromJson(JsonNode o) {
        return new TrainerState(o.path("global_step").asLong(), o.path("epoch").asDouble(), o.path("epoch_index").asLong(),
                o.path("batches_in_epoch").asLong(), o.path("max_steps").asLong(), o.path("seed").asLong(),
                o.path("skipped_steps").asLong(), o.path("consecutive_skips").asInt(), o.path("learning_rate").asDouble(),
                o.hasNonNull("best_metric") ? o.get("best_metric").asDouble() : null,
                o.hasNonNull("best_model_checkpoint") ? o.get("best_model_checkpoint").asText() : null,
                o.path("extra").isObject() ? (ObjectNode) o.get("extra") : null);
    }

    /** Writes {@link #FILE} into {@code dir}, atomically. */
    public void save(Path dir) {
        try {
            AtomicFiles.writeString(dir.resolve(FILE), JSON.writerWithDefaultPrettyPrinter().writeValueAsString(toJson()) + "\n");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Reads {@link #FILE} from a checkpoint folder. */
    public static TrainerState read(Path dir) {
        Path file = dir.resolve(FILE);
        try {
            return fromJson(JSON.readTree(Files.readString(file)));
        } catch (IOException | RuntimeException e) {
            throw new CheckpointException(file + ": unreadable trainer state (" + e.getMessage() + ")", e);
        }
    }
}
