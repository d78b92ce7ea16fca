package trl4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code trl4j pipeline} end to end on the micro preset of the core tests, and its one-line errors. */
class PipelineCommandTest {

    static final String MICRO = Path.of("..", "trl4j-core", "src", "test", "resources", "pipeline", "micro.yaml")
            .toAbsolutePath().normalize().toString();

    @Test
    void runsEveryStageThenRefusesToReuseTheFolderUnlessResumingTheSameConfig(@TempDir Path tmp) throws Exception {
        String out = tmp.resolve("run").toString();
        CliRun r = CliRun.of("pipeline", "--config", MICRO, "--out", out, "--sft.max_steps=4");
        assertEquals(0, r.exitCode(), r.err());
        assertTrue(r.out().contains("| lead-10 |") && r.out().contains("| SFT |") && r.out().contains("| PPO |"), r.out());
        assertTrue(r.out().contains("report: " + Path.of(out, "report.md")), r.out());
        assertTrue(r.err().contains("[8/8] report"), r.err());
        for (String f : new String[] {"report.md", "report.html", "results.json", "pipeline-config.yaml"}) {
            assertTrue(Files.isRegularFile(Path.of(out, f)), f);
        }
        assertTrue(Files.readString(Path.of(out, "sft", "resolved-config.yaml")).contains("max_steps: 4"));

        CliRun again = CliRun.of("pipeline", "--config", MICRO, "--out", out, "--sft.max_steps=4");
        assertEquals(1, again.exitCode());
        assertEquals(1, again.errLines().length, again.err());
        assertTrue(again.err().contains("is not empty: continue that run with --resume, or choose another --out"), again.err());

        CliRun resumed = CliRun.of("pipeline", "--config", MICRO, "--out", out, "--resume", "--sft.max_steps=4");
        assertEquals(0, resumed.exitCode(), resumed.err());
        assertTrue(resumed.err().contains("[7/8] eval: lead-k, SFT and PPO on the test subset: done earlier, skipped"), resumed.err());

        CliRun changed = CliRun.of("pipeline", "--config", MICRO, "--out", out, "--resume");
        assertEquals(1, changed.exitCode());
        assertTrue(changed.err().contains("was started with another config"), changed.err());
    }

    @Test
    void badInputIsOneLine(@TempDir Path tmp) {
        String out = tmp.resolve("run").toString();
        String[][] cases = {
            {"--preset quik", "--preset quik: no configs/pipeline-quik.yaml (presets: full, quick)"},
            {"--learning_rate=1e-3", "name the stage section first, e.g. --sft.learning_rate=1e-3"},
            {"--sft.output_dir=/x", "--sft.output_dir is set by the pipeline"},
            {"--dataset.train_rows=0", "dataset.train_rows = 0: must be >= 1"},
            {"stray", "unexpected argument 'stray'"},
            {"--preset quick --config x.yaml", "--preset and --config exclude each other"},
            {"--config missing.yaml", "missing.yaml: no such config file (--config)"},
        };
        for (String[] c : cases) {
            String[] extra = c[0].split(" ");
            String[] args = new String[3 + extra.length];
            args[0] = "pipeline";
            args[1] = "--out";
            args[2] = out;
            System.arraycopy(extra, 0, args, 3, extra.length);
            if (!c[0].contains("--preset") && !c[0].contains("--config")) {
                args = java.util.stream.Stream.concat(java.util.Arrays.stream(args), java.util.stream.Stream.of("--config", MICRO))
                        .toArray(String[]::new);
            }
            CliRun r = CliRun.of(args);
            assertEquals(1, r.exitCode(), c[0] + ": " + r.err());
            assertEquals(1, r.errLines().length, c[0] + ": " + r.err());
            assertTrue(r.err().startsWith("trl4j: error: ") && r.err().contains(c[1]), c[0] + ": " + r.err());
        }
        assertTrue(!Files.exists(Path.of(out)), "no run folder is made for bad input");
    }
}
