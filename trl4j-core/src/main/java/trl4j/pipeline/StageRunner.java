package trl4j.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import trl4j.checkpoint.AtomicFiles;

/**
 * Runs the pipeline's stages in order, each in its own subfolder of the run folder. A stage that
 * finished (its {@value #DONE} marker, written atomically after its outputs) is skipped; an
 * interrupted one is re-entered with {@code resume = true} so it continues from its last checkpoint.
 * Time spent is recorded per stage across interruptions (a heartbeat every few seconds), so the
 * report's timings include the work a killed attempt did.
 */
public final class StageRunner {

    /** Marker file of a finished stage. */
    public static final String DONE = "DONE.json";
    private static final String ELAPSED = "elapsed.json";
    private static final ObjectMapper JSON = new ObjectMapper();

    /** The work of one stage; it writes only inside {@code dir}. */
    @FunctionalInterface
    public interface Body {
        void run(Path dir, boolean resume) throws Exception;
    }

    /** A named stage. */
    public record Stage(String name, String title, Body body) {}

    private final Path runDir;
    private final PrintStream log;

    public StageRunner(Path runDir, PrintStream log) {
        this.runDir = runDir;
        this.log = log;
    }

    public Path dir(String stage) {
        return runDir.resolve(stage);
    }

    public boolean isDone(String stage) {
        return Files.isRegularFile(dir(stage).resolve(DONE));
    }

    /**
     * Runs every stage that is not done. Without {@code resume}, a stage folder with work in it but
     * no marker is an error (the run was interrupted: continue it with --resume, or pick a new folder).
     */
    public List<PipelineResults.StageTiming> run(List<Stage> stages, boolean resume) throws Exception {
        List<PipelineResults.StageTiming> timings = new ArrayList<>();
        for (int i = 0; i < stages.size(); i++) {
            Stage stage = stages.get(i);
            Path dir = dir(stage.name());
            String header = String.format(Locale.ROOT, "[%d/%d] %s", i + 1, stages.size(), stage.title());
            if (isDone(stage.name())) {
                log.println(header + ": done earlier, skipped");
                timings.add(new PipelineResults.StageTiming(stage.name(), recordedSeconds(dir), true));
                continue;
            }
            boolean started = Files.isDirectory(dir) && hasContent(dir);
            if (started && !resume) {
                throw new IllegalArgumentException(dir + ": stage '" + stage.name()
                        + "' was interrupted; run again with --resume to continue it (or choose another --out)");
            }
            log.println(header + (started ? ": resuming" : "") + " ...");
            log.flush();
            Files.createDirectories(dir);
            double before = recordedSeconds(dir);
            long start = System.nanoTime();
            ScheduledExecutorService heartbeat = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "pipeline-heartbeat");
                t.setDaemon(true);
                return t;
            });
            heartbeat.scheduleAtFixedRate(() -> writeElapsed(dir, before + (System.nanoTime() - start) / 1e9), 5, 5, TimeUnit.SECONDS);
            try {
                stage.body().run(dir, started);
            } finally {
                heartbeat.shutdownNow();
            }
            double seconds = before + (System.nanoTime() - start) / 1e9;
            writeElapsed(dir, seconds);
            AtomicFiles.writeString(dir.resolve(DONE), JSON.writeValueAsString(JSON.createObjectNode()
                    .put("stage", stage.name()).put("finished_at", Instant.now().toString()).put("seconds", seconds)) + "\n");
            log.println(String.format(Locale.ROOT, "%s: done in %.1f s", header, seconds));
            timings.add(new PipelineResults.StageTiming(stage.name(), seconds, false));
        }
        return timings;
    }

    private static boolean hasContent(Path dir) {
        try (var files = Files.list(dir)) {
            return files.findAny().isPresent();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void writeElapsed(Path dir, double seconds) {
        try {
            AtomicFiles.writeString(dir.resolve(ELAPSED), JSON.writeValueAsString(JSON.createObjectNode().put("seconds", seconds)) + "\n");
        } catch (IOException | RuntimeException e) {
            // a missed heartbeat only makes the reported time a little short
        }
    }

    /** Seconds recorded for a stage so far (0 if none). */
    static double recordedSeconds(Path dir) {
        for (String name : new String[] {DONE, ELAPSED}) {
            Path f = dir.resolve(name);
            if (Files.isRegularFile(f)) {
                try {
                    JsonNode n = JSON.readTree(f.toFile());
                    if (n != null && n.has("seconds")) {
                        return n.get("seconds").asDouble();
                    }
                } catch (IOException e) {
                    return 0; // a torn file from a kill: the time of that attempt is lost, nothing else
                }
            }
        }
        return 0;
    }
}
