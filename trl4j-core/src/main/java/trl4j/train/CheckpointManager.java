package trl4j.train;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import trl4j.checkpoint.AtomicFiles;
import trl4j.checkpoint.ModelFolder;
import trl4j.config.RunSettings;
import trl4j.model.LanguageModel;
import trl4j.model.ModelWriter;

/**
 * Checkpoints of one run, in {@code RUN/checkpoints/}:
 *
 * <pre>
 * checkpoints/step-200/   model (Hugging Face folder), optimizer.safetensors + optimizer.json,
 *                         anything a stage adds, trainer_state.json (written last)
 * checkpoints/latest      "step-200": the newest complete checkpoint
 * checkpoints/best        {"checkpoint": "step-100", "metric": "eval_loss", "value": 1.93}
 * </pre>
 *
 * A checkpoint is written into a hidden staging folder and renamed into place in one step, so
 * {@code step-N} is always complete; a crash leaves only staging debris, which is cleaned up when
 * the run resumes. {@code save_total_limit} keeps the newest checkpoints (and the best one).
 * Single writer: one training process per run folder.
 */
public final class CheckpointManager {

    public static final String CHECKPOINTS = "checkpoints";
    public static final String LATEST = "latest";
    public static final String BEST = "best";

    private static final Pattern STEP_DIR = Pattern.compile("step-(\\d+)");
    private static final ObjectMapper JSON = new ObjectMapper();

    /** A complete checkpoint. */
    public record Checkpoint(Path dir, long step, TrainerState state) {}

    /** Writes a stage's files (model, optimizer, extras) into a checkpoint folder being staged. */
    @FunctionalInterface
    public interface Contents {
        void writeInto(Path dir);

        /** These contents, then {@code next}. */
        default Contents and(Contents next) {
            return dir -> {
                writeInto(dir);
                next.writeInto(dir);
            };
        }
    }

    private final Path dir;
    private final Integer saveTotalLimit;
    private final String metricForBest;
    private final boolean greaterIsBetter;

    /**
     * @param runDir the run folder (checkpoints go to {@code runDir/checkpoints})
     * @param saveTotalLimit most checkpoints kept, or null for all
     * @param metricForBest metric that picks the best checkpoint, or null
     * @param greaterIsBetter its direction
     */
    public CheckpointManager(Path runDir, Integer saveTotalLimit, String metricForBest, boolean greaterIsBetter) {
        if (saveTotalLimit != null && saveTotalLimit < 1) {
            throw new IllegalArgumentException("save_total_limit must be >= 1, got " + saveTotalLimit);
        }
        this.dir = runDir.resolve(CHECKPOINTS);
        this.saveTotalLimit = saveTotalLimit;
        this.metricForBest = metricForBest;
        this.greaterIsBetter = greaterIsBetter;
    }

    /** The checkpoints of a run configured by {@code run}. */
    public static CheckpointManager of(RunSettings run) {
        return new CheckpointManager(Path.of(run.outputDir()), run.saveTotalLimit(), run.metricForBestModel(),
                run.greaterIsBetter() == null || run.greaterIsBetter());
    }

    /** The model in Hugging Face layout ({@code save_pretrained}), with the tokenizer files of {@code tokenizerDir} (may be null). */
    public static Contents model(LanguageModel model, Path tokenizerDir) {
        return d -> ModelWriter.writeInto(model, d, null, tokenizerDir, ModelFolder.DEFAULT_MAX_SHARD_BYTES);
    }

    public Path directory() {
        return dir;
    }

    /**
     * Saves checkpoint {@code step-<globalStep>}: stage files, then the trainer state (with the best
     * metric updated from {@code metrics}), published atomically; then the {@code latest} and
     * {@code best} pointers; then old checkpoints beyond the limit are deleted.
     *
     * @param metrics this step's evaluation metrics (may be empty), for best tracking
     */
    public Checkpoint save(TrainerState state, Contents contents, Map<String, Double> metrics) {
        String name = "step-" + state.globalStep();
        Path target = dir.resolve(name);
        Optional<Best> best = readBest();
        Double value = metricForBest == null ? null : metrics.get(metricForBest);
        boolean isBest = value != null && Double.isFinite(value)
                && (best.isEmpty() || (greaterIsBetter ? value > best.get().value() : value < best.get().value()));
        TrainerState saved = isBest ? state.withBest(value, CHECKPOINTS + "/" + name)
                : best.map(b -> state.withBest(b.value(), CHECKPOINTS + "/" + b.checkpoint())).orElse(state);
        Path staging = AtomicFiles.stagingDirectoryFor(target);
        try {
            contents.writeInto(staging);
            saved.save(staging);
            AtomicFiles.publishDirectory(staging, target);
        } catch (RuntimeException e) {
            AtomicFiles.deleteRecursively(staging);
            throw e;
        }
        AtomicFiles.writeString(dir.resolve(LATEST), name + "\n");
        if (isBest) {
            ObjectNode b = JSON.createObjectNode().put("checkpoint", name).put("metric", metricForBest).put("value", value);
            AtomicFiles.writeString(dir.resolve(BEST), b.toString() + "\n");
        }
        rotate();
        return new Checkpoint(target, state.globalStep(), saved);
    }

    /** The newest complete checkpoint, after cleaning up what an interrupted save left behind. */
    public Optional<Checkpoint> latest() {
        cleanLeftovers();
        List<Checkpoint> all = list();
        if (all.isEmpty()) {
            return Optional.empty();
        }
        Checkpoint newest = all.get(all.size() - 1);
        // A crash between publishing a checkpoint and moving the pointer leaves the pointer one behind.
        String pointer = readPointer();
        if (!newest.dir().getFileName().toString().equals(pointer)) {
            AtomicFiles.writeString(dir.resolve(LATEST), newest.dir().getFileName() + "\n");
        }
        return Optional.of(newest);
    }

    /** The best checkpoint so far, if a metric is tracked and it still exists. */
    public Optional<Checkpoint> best() {
        return readBest().map(b -> dir.resolve(b.checkpoint())).filter(d -> Files.isRegularFile(d.resolve(TrainerState.FILE)))
                .map(CheckpointManager::read);
    }

    /** Complete checkpoints, oldest first. */
    public List<Checkpoint> list() {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        List<Checkpoint> out = new ArrayList<>();
        try (Stream<Path> entries = Files.list(dir)) {
            for (Path p : (Iterable<Path>) entries::iterator) {
                Matcher m = STEP_DIR.matcher(p.getFileName().toString());
                if (m.matches() && Files.isRegularFile(p.resolve(TrainerState.FILE))) {
                    out.add(new Checkpoint(p, Long.parseLong(m.group(1)), TrainerState.read(p)));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + dir + ": " + e.getMessage(), e);
        }
        out.sort(Comparator.comparingLong(Checkpoint::step));
        return out;
    }

    /** A checkpoint folder given by path (e.g. {@code resume_from_checkpoint}). */
    public static Checkpoint read(Path checkpointDir) {
        TrainerState state = TrainerState.read(checkpointDir);
        return new Checkpoint(checkpointDir, state.globalStep(), state);
    }

    /** Deletes staging, replaced and half-deleted folders of interrupted saves (hidden names). */
    public void cleanLeftovers() {
        if (!Files.isDirectory(dir)) {
            return;
        }
        try (Stream<Path> entries = Files.list(dir)) {
            for (Path p : (Iterable<Path>) entries::iterator) {
                String n = p.getFileName().toString();
                if (n.startsWith(".") && (n.contains(".staging-") || n.contains(".old-") || n.contains(".deleting-") || n.contains(".tmp-"))) {
                    AtomicFiles.deleteRecursively(p);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + dir + ": " + e.getMessage(), e);
        }
    }

    /** Deletes the oldest checkpoints beyond the limit, never the latest or the best. */
    private void rotate() {
        if (saveTotalLimit == null) {
            return;
        }
        List<Checkpoint> all = list();
        Set<Path> keep = new HashSet<>();
        for (int i = Math.max(0, all.size() - saveTotalLimit); i < all.size(); i++) {
            keep.add(all.get(i).dir());
        }
        readBest().ifPresent(b -> keep.add(dir.resolve(b.checkpoint())));
        for (Checkpoint c : all) {
            if (!keep.contains(c.dir())) {
                // Renamed first, so a crash mid-delete never leaves a partial folder under a step-N name.
                Path doomed = dir.resolve("." + c.dir().getFileName() + ".deleting-" + Long.toHexString(ThreadLocalRandom.current().nextLong()));
                try {
                    Files.move(c.dir(), doomed);
                } catch (IOException e) {
                    throw new UncheckedIOException("cannot remove old checkpoint " + c.dir() + ": " + e.getMessage(), e);
                }
                AtomicFiles.deleteRecursively(doomed);
            }
        }
    }

    private String readPointer() {
        try {
            Path p = dir.resolve(LATEST);
            return Files.exists(p) ? Files.readString(p).trim() : null;
        } catch (IOException e) {
            return null;
        }
    }

    private record Best(String checkpoint, double value) {}

    private Optional<Best> readBest() {
        Path p = dir.resolve(BEST);
        if (metricForBest == null || !Files.exists(p)) {
            return Optional.empty();
        }
        try {
            JsonNode b = JSON.readTree(Files.readString(p));
            if (!metricForBest.equals(b.path("metric").asText())) {
                return Optional.empty(); // tracked another metric before: start over
            }
            return Optional.of(new Best(b.path("checkpoint").asText(), b.path("value").asDouble()));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + p + ": " + e.getMessage(), e);
        }
    }
}
