package trl4j.cli;

import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import trl4j.pipeline.Pipeline;
import trl4j.pipeline.PipelineConfig;
import trl4j.pipeline.PipelineResults;
import trl4j.pipeline.ReportWriter;

/** {@code trl4j pipeline}: the whole job, SFT → comparisons → reward model → PPO → evaluation report. */
@Command(name = "pipeline", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Run the whole RLHF job (SFT -> reward model -> PPO -> report) on the bundled debian-tldr data.",
            "One run folder with one subfolder per stage:",
            "dataset -> tokenizer -> sft -> comparisons (SFT samples labelled by a gold judge, plus hard negatives)",
            "-> reward -> ppo -> eval (lead-k, SFT, PPO on the test split) -> report (report.md, report.html, results.json).",
            "Finished stages are skipped; --resume continues an interrupted run from its last checkpoint.",
            "Overrides name the stage section: --sft.learning_rate=1e-3 --dataset.train_rows=2000 --ppo.kl_coef=0.1."},
        footer = {"", "Presets (configs/pipeline-NAME.yaml): quick (default; tiny models, about 10 minutes on 2 cores),",
            "full (about 2 hours on 2 cores).", "", "Examples:",
            "  ./trl4j pipeline",
            "  ./trl4j pipeline --preset full --out runs/full",
            "  ./trl4j pipeline --preset full --out runs/full --resume      # after a stop or a crash"})
final class PipelineCommand implements Callable<Integer> {

    /** Exit code of a run stopped by a signal (a checkpoint was saved; --resume continues). */
    static final int STOPPED = 130;

    @Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--preset", paramLabel = "NAME", description = "quick (default) or full: configs/pipeline-NAME.yaml.")
    String preset;

    @Option(names = "--config", paramLabel = "FILE", description = "A preset file of your own instead of --preset.")
    Path config;

    @Option(names = "--out", paramLabel = "DIR", description = "Run folder (default runs/pipeline-<preset>).")
    Path out;

    @Option(names = "--resume", description = "Continue the run in --out: finished stages are skipped, an interrupted one resumes.")
    boolean resume;

    @CommandLine.Unmatched
    List<String> overrides = new ArrayList<>();

    @Override
    public Integer call() throws Exception {
        Overrides.requireKeyValue(overrides, "options: --preset, --config, --out, --resume; overrides are --section.key=value");
        if (preset != null && config != null) {
            throw new IllegalArgumentException("--preset and --config exclude each other");
        }
        // The launcher names the repository root; without it (tests, an IDE) it is found from where the classes are.
        String homeProperty = System.getProperty("trl4j.home");
        Path home = (homeProperty != null ? Path.of(homeProperty) : DataCommand.repoRoot()).toAbsolutePath().normalize();
        Path file = config != null ? config : PipelineConfig.presetFile(home, preset == null ? "quick" : preset);
        String name = config != null ? config.getFileName().toString().replaceFirst("\\.ya?ml$", "").replaceFirst("^pipeline-", "")
                : preset == null ? "quick" : preset;
        if (config != null && !java.nio.file.Files.isRegularFile(config)) {
            throw new IllegalArgumentException(config + ": no such config file (--config)");
        }
        Path runDir = (out != null ? out : Path.of("runs", "pipeline-" + name)).toAbsolutePath().normalize();
        PipelineConfig cfg = PipelineConfig.load(file, name, overrides, home, runDir);
        PrintWriter stdout = spec.commandLine().getOut();
        PrintStream log = CommandLog.of(spec);
        long started = System.nanoTime();
        PipelineResults results;
        try {
            results = new Pipeline(cfg, home, log).version(new Main.Version().getVersion()[0]).run(resume);
        } catch (Pipeline.Stopped stopped) {
            log.println("pipeline: " + stopped.getMessage() + "; continue with: ./trl4j pipeline --out " + runDir + " --resume");
            return STOPPED;
        }
        stdout.printf(Locale.ROOT, "pipeline: finished in %.1f min (this invocation); run folder %s%n", (System.nanoTime() - started) / 6e10,
                runDir);
        stdout.print(ReportWriter.policyTable(results));
        stdout.println("report: " + runDir.resolve("report.md") + ", " + runDir.resolve("report.html") + "; numbers: "
                + runDir.resolve(Pipeline.RESULTS));
        stdout.flush();
        return 0;
    }
}
