package trl4j.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import trl4j.train.CheckpointManager.Checkpoint;
import trl4j.train.CheckpointManager.Contents;

class CheckpointManagerTest {

    private static TrainerState state(long step) {
        ObjectNode extra = JsonNodeFactory.instance.objectNode().put("kl_coef", 0.05);
        return new TrainerState(step, step / 20.0, step / 20, step % 20, 100, 42, 1, 0, 1e-4, null, null, extra);
    }

    /** Stands in for the model and optimizer files. */
    private static Contents file(String name, String text) {
        return dir -> trl4j.checkpoint.AtomicFiles.writeString(dir.resolve(name), text);
    }

    private static List<String> names(Path dir) throws Exception {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void savesAtomicallyPointsToLatestAndKeepsTheLimit(@TempDir Path run) throws Exception {
        CheckpointManager m = new CheckpointManager(run, 2, null, false);
        for (long step = 10; step <= 30; step += 10) {
            Checkpoint c = m.save(state(step), file("model.safetensors", "weights " + step), Map.of());
            assertEquals(run.resolve("checkpoints/step-" + step), c.dir());
        }
        assertEquals(List.of("latest", "step-20", "step-30"), names(run.resolve("checkpoints")));
        assertEquals("step-30\n", Files.readString(run.resolve("checkpoints/latest")));
        Checkpoint latest = m.latest().orElseThrow();
        assertEquals(30, latest.step());
        assertEquals(state(30), latest.state(), "trainer_state.json round-trips");
        assertEquals("weights 30", Files.readString(latest.dir().resolve("model.safetensors")));
    }

    @Test
    void theBestCheckpointIsKeptAndRecorded(@TempDir Path run) throws Exception {
        CheckpointManager m = new CheckpointManager(run, 1, "eval_loss", false);
        m.save(state(10), file("a", "10"), Map.of("eval_loss", 1.5));
        m.save(state(20), file("a", "20"), Map.of("eval_loss", 1.0));
        m.save(state(30), file("a", "30"), Map.of("eval_loss", 2.0));
        m.save(state(40), file("a", "40"), Map.of());
        assertEquals(List.of("best", "latest", "step-20", "step-40"), names(run.resolve("checkpoints")));
        assertEquals(20, m.best().orElseThrow().step());
        TrainerState last = m.latest().orElseThrow().state();
        assertEquals(1.0, last.bestMetric());
        assertEquals("checkpoints/step-20", last.bestModelCheckpoint());
        CheckpointManager higher = new CheckpointManager(run.resolve("other"), null, "eval/rouge_l", true);
        higher.save(state(1), file("a", "1"), Map.of("eval/rouge_l", 0.2));
        higher.save(state(2), file("a", "2"), Map.of("eval/rouge_l", 0.3));
        assertEquals(2, higher.best().orElseThrow().step());
    }

    @Test
    void resumeIgnoresAndCleansWhatAnInterruptedSaveLeft(@TempDir Path run) throws Exception {
        CheckpointManager m = new CheckpointManager(run, null, null, false);
        m.save(state(10), file("a", "10"), Map.of());
        Path ckpts = run.resolve("checkpoints");
        // Killed while staging step 20: a hidden folder without trainer_state.json.
        Path staging = Files.createDirectories(ckpts.resolve(".step-20.staging-1234"));
        Files.writeString(staging.resolve("model.safetensors"), "half");
        // Killed after publishing step 30 but before moving the pointer.
        Path published = Files.createDirectories(ckpts.resolve("step-30"));
        state(30).save(published);
        Checkpoint latest = m.latest().orElseThrow();
        assertEquals(30, latest.step());
        assertEquals("step-30\n", Files.readString(ckpts.resolve("latest")));
        assertFalse(Files.exists(staging), "staging debris is removed");
    }

    @Test
    void aFailedSaveLeavesNoCheckpoint(@TempDir Path run) throws Exception {
        CheckpointManager m = new CheckpointManager(run, null, null, false);
        Contents failing = file("a", "x").and(dir -> {
            throw new IllegalStateException("disk full");
        });
        assertThrows(IllegalStateException.class, () -> m.save(state(10), failing, Map.of()));
        assertEquals(List.of(), names(run.resolve("checkpoints")));
        assertTrue(m.latest().isEmpty());
        assertNull(state(0).bestMetric());
    }

    @Test
    void gracefulStopWaitsForTheLoopToSave() throws Exception {
        try (GracefulStop stop = GracefulStop.install(Duration.ofSeconds(30))) {
            assertFalse(stop.requested());
            Thread signal = new Thread(stop::onSignal); // what SIGTERM runs
            signal.start();
            long deadline = System.nanoTime() + 5_000_000_000L;
            while (!stop.requested() && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
            assertTrue(stop.requested());
            Thread.sleep(50);
            assertTrue(signal.isAlive(), "the exit waits for the checkpoint");
            stop.close(); // the loop has saved
            signal.join(5000);
            assertFalse(signal.isAlive());
        }
    }
}
