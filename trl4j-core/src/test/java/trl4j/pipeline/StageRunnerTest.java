package trl4j.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StageRunnerTest {

    @Test
    void finishedStagesAreSkippedAndInterruptedOnesResumed(@TempDir Path run) throws Exception {
        List<String> calls = new ArrayList<>();
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        StageRunner runner = new StageRunner(run, new PrintStream(log, true));
        List<StageRunner.Stage> stages = List.of(
                new StageRunner.Stage("a", "stage A", (dir, resume) -> {
                    calls.add("a resume=" + resume);
                    Files.writeString(dir.resolve("out.txt"), "a");
                }),
                new StageRunner.Stage("b", "stage B", (dir, resume) -> {
                    calls.add("b resume=" + resume);
                    Files.writeString(dir.resolve("partial.txt"), "b");
                    if (!resume) {
                        throw new IllegalStateException("killed");
                    }
                }));
        assertThrows(IllegalStateException.class, () -> runner.run(stages, false));
        assertTrue(runner.isDone("a"));
        assertFalse(runner.isDone("b"));
        // Without --resume an interrupted stage is refused, naming it.
        var e = assertThrows(IllegalArgumentException.class, () -> runner.run(stages, false));
        assertTrue(e.getMessage().contains("'b'") && e.getMessage().contains("--resume"), e.getMessage());
        var timings = runner.run(stages, true);
        assertEquals(List.of("a resume=false", "b resume=false", "b resume=true"), calls);
        assertTrue(timings.get(0).skipped());
        assertFalse(timings.get(1).skipped());
        assertTrue(runner.isDone("b"));
        assertTrue(log.toString().contains("[1/2] stage A: done earlier, skipped"), log.toString());
    }
}
