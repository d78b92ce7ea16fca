package trl4j.cli;

import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import trl4j.checkpoint.AtomicFiles;
import trl4j.config.ConfigLoader;
import trl4j.config.LoadedConfig;
import trl4j.config.StageConfig;
import trl4j.train.sft.SftEvaluator;
import trl4j.train.sft.SftMethod;
import trl4j.train.sft.SftResult;
import trl4j.train.sft.SftRun;
import trl4j.train.sft.SftRunFolder;

/** {@code trl4j sft}: supervised fine-tuning from a YAML config (trlX or TRL layout) and dotted overrides. */
@Command(name = "sft", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Supervised fine-tuning (stage 1): prompt -> completion, loss on the completion.",
            "Config keys: TRL / Hugging Face names (learning_rate, per_device_train_batch_size, max_steps, ...) or trlX's",
            "nested TRLConfig (train, model, tokenizer, optimizer, scheduler, method: {name: sftconfig}).",
            "Overrides: --key=value with either layout's dotted names, e.g. --learning_rate=3e-4 --train.batch_size=16."},
        footer = {"", "Examples:",
            "  ./trl4j sft --config configs/sft-debian-quick.yaml",
            "  ./trl4j sft --config configs/sft-debian.yaml --resume",
            "  ./trl4j sft --config configs/sft-debian.yaml --predict-only      # test-split ROUGE of RUN/final"})
final class SftCommand implements Callable<Integer> {

    @Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--config", paramLabel = "FILE", description = "YAML config (default: only defaults and overrides).")
    Path config;

    @Option(names = "--resume", description = "Continue from the latest checkpoint in output_dir.")
    boolean resume;

    @Option(names = "--overwrite", description = "Delete an earlier run's checkpoints, metrics and final model in output_dir first.")
    boolean overwrite;

    @Option(names = "--predict-only", description = "Do not train: loss and ROUGE on the test split of --model (default output_dir/final).")
    boolean predictOnly;

    @Option(names = "--model", paramLabel = "DIR", description = "With --predict-only: the model folder to evaluate.")
    Path model;

    @CommandLine.Unmatched
    List<String> overrides = new ArrayList<>();

    @Override
    public Integer call() {
        PrintStream log = CommandLog.of(spec);
        if (resume && overwrite) {
            throw new IllegalArgumentException("--resume and --overwrite exclude each other");
        }
        Overrides.requireKeyValue(overrides, "overrides are --key=value");
        List<String> all = new ArrayList<>(overrides);
        if (resume) {
            all.add("--resume_from_checkpoint=latest");
        }
        ConfigLoader<SftMethod> loader = new ConfigLoader<>(SftMethod.SCHEMA);
        LoadedConfig<SftMethod> loaded = loader.load(config, all);
        StageConfig<SftMethod> cfg = loaded.config();
        PrintWriter out = spec.commandLine().getOut();
        loaded.notes().forEach(n -> log.println("note: " + n));
        Path runDir = Path.of(cfg.training().run().outputDir());
        Path home = Path.of(System.getProperty("trl4j.home", "."));
        if (predictOnly) {
            Path dir = model != null ? model : runDir.resolve(SftRunFolder.FINAL);
            if (!Files.isDirectory(dir)) {
                throw new IllegalArgumentException(dir + ": no trained model (train first, or pass --model DIR)");
            }
            SftEvaluator.Result r = SftRun.predictOnly(cfg, dir, home, log);
            printMetrics(out, "test", r.metrics());
            out.println("predictions: " + runDir.resolve(SftRunFolder.TEST_PREDICTIONS));
            return 0;
        }
        if (overwrite) {
            for (String p : List.of("checkpoints", SftRunFolder.FINAL, "metrics.jsonl", SftRunFolder.PLOTS)) {
                AtomicFiles.deleteRecursively(runDir.resolve(p));
            }
        }
        SftRun.requireModel(cfg);
        log.println("sft: resolved config (saved to " + runDir.resolve(ConfigLoader.RESOLVED_FILE) + "):");
        log.print(loader.toYaml(cfg));
        SftResult result = SftRun.run(cfg, home, log);
        out.printf(Locale.ROOT, "sft: %s after %d/%d steps in %.0f s (%.0f tokens/s), train loss %.4f, %d skipped steps%n",
                result.completed() ? "finished" : "stopped", result.globalStep(), result.totalSteps(), result.seconds(),
                result.tokensPerSecond(), result.trainLoss(), result.skippedSteps());
        printMetrics(out, "eval", result.lastEval());
        if (result.finalModel() != null) {
            out.println("model: " + result.finalModel());
        }
        if (result.bestCheckpoint() != null) {
            out.println("best checkpoint: " + result.bestCheckpoint());
        }
        out.println("run folder: " + result.runDir() + " (metrics.jsonl, checkpoints/, plots/)");
        out.flush();
        return 0;
    }

    private static void printMetrics(PrintWriter out, String what, java.util.Map<String, Double> metrics) {
        if (metrics.isEmpty()) {
            return;
        }
        StringBuilder b = new StringBuilder(what).append(':');
        metrics.forEach((k, v) -> b.append(String.format(Locale.ROOT, " %s %.4f", k, v)));
        out.println(b);
    }
}
