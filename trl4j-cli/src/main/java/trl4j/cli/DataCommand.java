package trl4j.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import trl4j.data.BadRowPolicy;
import trl4j.data.FieldMapping;
import trl4j.data.Inspection;
import trl4j.data.ReadOptions;
import trl4j.data.Schema;
import trl4j.data.debian.DebianTldr;
import trl4j.eval.baseline.DebianTldrRelease;
import trl4j.eval.baseline.LeadBaselines;
import trl4j.eval.rouge.RougeType;
import trl4j.tokenizer.Tokenizer;

/** {@code trl4j data}: build the bundled dataset, inspect any data file. */
@Command(name = "data", mixinStandardHelpOptions = true,
        description = "Data sets: build the bundled debian-tldr, inspect a data file.",
        subcommands = {DataCommand.BuildDebian.class, DataCommand.Inspect.class})
final class DataCommand implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** The repository this command line was built in (where {@code data/} lives), else the working directory. */
    static Path repoRoot() {
        try {
            Path here = Path.of(DataCommand.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            for (Path p = here; p != null; p = p.getParent()) {
                if (Files.isDirectory(p.resolve("trl4j-cli")) && Files.isRegularFile(p.resolve("pom.xml"))) {
                    return p;
                }
            }
        } catch (URISyntaxException | SecurityException e) {
            // fall through to the working directory
        }
        return Path.of("").toAbsolutePath();
    }

    @Command(name = "build-debian", mixinStandardHelpOptions = true,
            description = "Build data/debian-tldr (splits, comparisons, DATASHEET.md) from Debian's Translation-en.")
    static final class BuildDebian implements Callable<Integer> {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Option(names = "--source", paramLabel = "FILE",
                description = "Debian Translation-en (.xz); default ../shared/data/debian-bookworm-main-Translation-en.xz")
        Path source;

        @Option(names = "--out", paramLabel = "DIR", description = "Output folder; default data/debian-tldr in the repository")
        Path out;

        @Override
        public Integer call() throws IOException {
            Path root = repoRoot();
            Path src = source != null ? source
                    : root.resolveSibling("shared").resolve(DebianTldr.SOURCE_IN_SHARED).normalize();
            Path dir = out != null ? out : root.resolve(DebianTldr.RELATIVE_DIR);
            PrintWriter pw = spec.commandLine().getOut();
            DebianTldrRelease.Result r = DebianTldrRelease.build(src, dir);
            pw.println("debian-tldr: " + r.build().stats().line());
            for (LeadBaselines.Result b : r.baselines()) {
                pw.printf(Locale.ROOT, "  test %-15s ROUGE-1 %.4f  ROUGE-2 %.4f  ROUGE-L %.4f%n", b.name(),
                        b.rouge().get(RougeType.ROUGE1).fmeasure(), b.rouge().get(RougeType.ROUGE2).fmeasure(),
                        b.rouge().get(RougeType.ROUGE_L).fmeasure());
            }
            pw.println("wrote " + dir);
            pw.flush();
            return 0;
        }
    }

    /** The reading options shared by commands that read data files (a picocli mixin). */
    static final class ReadFlags {
        @Option(names = "--format", paramLabel = "NAME", description = "Schema instead of detection: "
                + "prompt-completion, prompt-label, preference, summarize-from-feedback, scitldr, debian-tldr, debian-comparisons")
        String format;

        @Option(names = "--prompt-field", paramLabel = "FIELD", description = "Explicit prompt field (dotted paths allowed)")
        String promptField;

        @Option(names = "--completion-field", paramLabel = "FIELD")
        String completionField;

        @Option(names = "--chosen-field", paramLabel = "FIELD")
        String chosenField;

        @Option(names = "--rejected-field", paramLabel = "FIELD")
        String rejectedField;

        @Option(names = "--on-bad-row", paramLabel = "skip|fail", defaultValue = "skip",
                description = "Skip and count bad rows (default) or stop at the first one")
        BadRowPolicy onBadRow;

        @Option(names = "--first-target-only", description = "SciTLDR: one SFT example per paper (its first TLDR)")
        boolean firstTargetOnly;

        ReadOptions options() {
            ReadOptions o = ReadOptions.defaults().withOnBadRow(onBadRow).withAllTargets(!firstTargetOnly);
            boolean anyField = promptField != null || completionField != null || chosenField != null || rejectedField != null;
            if (anyField) {
                if (format != null) {
                    throw new IllegalArgumentException("give either --format or field names, not both");
                }
                return o.withFields(new FieldMapping(promptField, completionField, chosenField, rejectedField));
            }
            return format == null ? o : o.withSchema(Schema.fromFormatName(format));
        }
    }

    @Command(name = "inspect", mixinStandardHelpOptions = true,
            description = "Show a data file's detected schema, row counts, length percentiles and examples.")
    static final class Inspect implements Callable<Integer> {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Parameters(paramLabel = "FILE", description = "JSONL, JSON, CSV/TSV or Parquet, optionally .gz/.xz/.zst")
        Path file;

        @CommandLine.Mixin
        ReadFlags read;

        @Option(names = "--tokenizer", paramLabel = "DIR", description = "Tokenizer folder for lengths in tokens")
        Path tokenizer;

        @Option(names = "--examples", paramLabel = "N", defaultValue = "3", description = "Examples to show (default 3)")
        int examples;

        @Override
        public Integer call() {
            Inspection inspection;
            if (tokenizer != null) {
                try (Tokenizer tok = Tokenizer.load(tokenizer)) {
                    inspection = Inspection.of(file, read.options(), tok, examples);
                }
            } else {
                inspection = Inspection.of(file, read.options(), null, examples);
            }
            PrintWriter pw = spec.commandLine().getOut();
            inspection.lines().forEach(pw::println);
            pw.flush();
            return 0;
        }
    }
}
