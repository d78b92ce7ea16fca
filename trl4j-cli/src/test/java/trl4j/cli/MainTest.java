package trl4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class MainTest {

    @Test
    void inspectShowsASequenceClassificationHead(@org.junit.jupiter.api.io.TempDir java.nio.file.Path tmp) {
        try (var manager = ai.djl.ndarray.NDManager.newBaseManager();
                var rm = trl4j.model.registry.Models.loadClassifier(CliRun.golden("models/llama"), manager, 1, 0)) {
            trl4j.model.ModelWriter.save(rm, tmp.resolve("rm"), null);
        }
        CliRun run = CliRun.of("inspect", tmp.resolve("rm").toString());
        assertEquals(0, run.exitCode(), run.err());
        assertTrue(run.out().contains("LlamaForSequenceClassification"), run.out());
        assertTrue(run.out().contains("score.weight [1, 32]"), run.out());
    }

    @Test
    void helpListsTheCommands() {
        CliRun run = CliRun.of("--help");
        assertEquals(0, run.exitCode());
        for (String c : new String[] {"pipeline", "generate", "inspect", "bench"}) {
            assertTrue(run.out().contains(c), c);
        }
    }

    @Test
    void versionIsPrinted() {
        CliRun run = CliRun.of("--version");
        assertEquals(0, run.exitCode());
        assertTrue(run.out().matches("trl4j \\d+\\.\\d+\\.\\d+.*\\s*"), run.out());
    }

    @Test
    void inspectDescribesAModelFolder() {
        CliRun run = CliRun.of("inspect", CliRun.golden("models/gpt2-text").toString());
        assertEquals(0, run.exitCode(), run.err());
        assertTrue(run.out().contains("model_type      gpt2"));
        assertTrue(run.out().contains("3,332,928"));
        assertTrue(run.out().contains("F32"));
        assertTrue(run.out().contains("50257"));
        assertTrue(run.out().contains("<|endoftext|>"));
        assertTrue(run.out().contains("tied"));
    }
}
