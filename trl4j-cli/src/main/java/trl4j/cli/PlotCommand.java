package trl4j.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import trl4j.train.Plots;

/** {@code trl4j plot RUN_DIR}: redraws a run's PNG charts from its metrics.jsonl. */
@Command(name = "plot", mixinStandardHelpOptions = true,
        description = "Redraw RUN_DIR/plots/*.png (one chart per logged metric) from RUN_DIR/metrics.jsonl.")
final class PlotCommand implements Callable<Integer> {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Parameters(paramLabel = "RUN_DIR", description = "A run folder (output_dir of a training run).")
    Path runDir;

    @Override
    public Integer call() {
        if (!Files.isRegularFile(runDir.resolve("metrics.jsonl"))) {
            throw new IllegalArgumentException(runDir + ": no metrics.jsonl (not a run folder, or nothing logged yet)");
        }
        List<Path> files = Plots.writeAll(runDir);
        files.forEach(f -> spec.commandLine().getOut().println(f));
        spec.commandLine().getOut().flush();
        return 0;
    }
}
