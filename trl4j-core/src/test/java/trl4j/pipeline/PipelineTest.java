package trl4j.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import trl4j.checkpoint.AtomicFiles;
import trl4j.train.MetricsSink;

/**
 * The whole pipeline end to end on micro models and a few hundred rows (test resource
 * pipeline/micro.yaml): every stage runs for real through the same code as {@code ./trl4j pipeline}.
 */
class PipelineTest {

    static final Path HOME = Path.of("..").toAbsolutePath().normalize();
    static final Path MICRO = Path.of("src/test/resources/pipeline/micro.yaml");

    static PipelineConfig micro(Path runDir) {
        return PipelineConfig.load(MICRO, "micro", List.of(), HOME, runDir);
    }

    /** Runs the pipeline, returning what it logged. */
    static String run(Path runDir, boolean resume, String stopAfter) throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (PrintStream log = new PrintStream(bytes, true, StandardCharsets.UTF_8)) {
            Pipeline p = new Pipeline(micro(runDir), HOME, log);
            if (stopAfter != null) {
                p.stopAfter(stopAfter);
            }
            try {
                p.run(resume);
            } catch (Pipeline.Stopped expected) {
                log.println("STOPPED: " + expected.getMessage());
            }
        }
        return bytes.toString(StandardCharsets.UTF_8);
    }

    @Test
    void interruptedAfterAStageItResumesWithoutRedoingFinishedStagesAndWritesTheReport(@TempDir Path tmp) throws Exception {
        Path run = tmp.resolve("run");
        String first = run(run, false, Pipeline.SFT);
        assertTrue(first.contains("STOPPED: stopped after stage sft"), first);
        for (String stage : List.of(Pipeline.DATASET, Pipeline.TOKENIZER, Pipeline.SFT)) {
            assertTrue(Files.isRegularFile(run.resolve(stage).resolve(StageRunner.DONE)), stage);
        }
        assertFalse(Files.exists(run.resolve(Pipeline.COMPARISONS)));
        Path sftWeights = run.resolve("sft/final/model.safetensors");
        FileTime sftWritten = Files.getLastModifiedTime(sftWeights);

        // Reusing the folder needs --resume, said in one line.
        var refused = assertThrows(IllegalArgumentException.class, () -> new Pipeline(micro(run), HOME, System.err).run(false));
        assertTrue(refused.getMessage().contains("is not empty: continue that run with --resume"), refused.getMessage());

        String second = run(run, true, null);
        assertTrue(second.contains("[1/8] dataset: the run's rows of debian-tldr: done earlier, skipped"), second);
        assertTrue(second.contains("[3/8] sft: supervised fine-tuning: done earlier, skipped"), second);
        assertFalse(second.contains("sft: model preset:"), "SFT must not train again:\n" + second);
        assertEquals(sftWritten, Files.getLastModifiedTime(sftWeights));

        // Every stage folder: finished, with its resolved config.
        for (String stage : Pipeline.STAGES) {
            assertTrue(Files.isRegularFile(run.resolve(stage).resolve(StageRunner.DONE)), stage + " DONE");
            if (!stage.equals(Pipeline.REPORT)) {
                assertTrue(Files.isRegularFile(run.resolve(stage).resolve("resolved-config.yaml")), stage + " resolved config");
            }
        }
        assertTrue(Files.isRegularFile(run.resolve(Pipeline.CONFIG_FILE)));
        // What each stage hands the next.
        assertTrue(Files.isRegularFile(run.resolve("tokenizer/tokenizer.json")));
        assertTrue(Files.isRegularFile(run.resolve("reward/final/config.json")));
        assertTrue(Files.isRegularFile(run.resolve("ppo/final/config.json")));
        assertTrue(Files.readString(run.resolve("comparisons/comparisons-train.jsonl")).contains("\"kind\""));
        assertFalse(MetricsSink.read(run.resolve("sft/metrics.jsonl")).isEmpty());

        PipelineResults results = Pipeline.readResults(run);
        assertEquals(List.of("lead-10", "SFT", "PPO"), results.policies().stream().map(PipelineResults.PolicyRow::name).toList());
        for (PipelineResults.PolicyRow row : results.policies()) {
            assertEquals(8, row.examples(), row.name());
            assertTrue(Double.isFinite(row.rougeL()) && Double.isFinite(row.rewardModelScore()) && Double.isFinite(row.goldScore()), row.name());
        }
        assertNull(results.policies().get(0).klToSft()); // a baseline has no KL
        assertNotNull(results.policies().get(2).klToSft());
        assertNotNull(results.policies().get(2).eosRate());
        assertEquals(3, results.winRates().size());
        assertEquals(Pipeline.STAGES.size() - 1, results.stages().size());
        assertTrue(results.stages().get(0).skipped() && !results.stages().get(4).skipped(), results.stages().toString());
        assertFalse(results.overoptimisation().isEmpty()); // PPO evaluated at steps 0, 1, 2
        assertEquals(0, results.overoptimisation().get(0).step());
        assertNotNull(results.rewardModel());
        assertEquals(2, results.samples().size());

        String md = Files.readString(run.resolve("report.md"));
        assertTrue(md.contains("| PPO |") && md.contains("## Gold judge") && md.contains("report/plots/sft-loss.png"), md);
        String html = Files.readString(run.resolve("report.html"));
        assertTrue(html.contains("data:image/png;base64,"), "the HTML report embeds its plots");
    }

    @Test
    void aStageInterruptedAfterACheckpointContinuesFromIt(@TempDir Path tmp) throws Exception {
        Path run = tmp.resolve("run");
        String first = run(run, false, Pipeline.PPO);
        assertTrue(first.contains("STOPPED"), first);
        // As a kill -9 late in PPO leaves it: checkpoints written, no final model, no marker.
        Files.delete(run.resolve("ppo").resolve(StageRunner.DONE));
        AtomicFiles.deleteRecursively(run.resolve("ppo/final"));
        String second = run(run, true, null);
        assertTrue(second.contains("[6/8] ppo: PPO against the reward model, KL penalty to SFT: resuming"), second);
        assertTrue(second.contains("resuming from " + run.resolve("ppo/checkpoints/step-2")), second);
        assertTrue(second.contains("[5/8] reward: the reward model on the comparisons: done earlier, skipped"), second);
        assertTrue(Files.isRegularFile(run.resolve("ppo/final/config.json")));
        assertTrue(Files.isRegularFile(run.resolve("report.html")));
    }
}
