package trl4j.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import trl4j.data.TextColumn;
import trl4j.eval.rouge.RougeMean;
import trl4j.eval.rouge.RougeScorer;
import trl4j.eval.rouge.RougeType;
import trl4j.eval.rouge.Score;

/** {@code trl4j eval}: scoring of generated summaries. */
@Command(name = "eval", mixinStandardHelpOptions = true, description = "Evaluate summaries.",
        subcommands = {EvalCommand.Rouge.class})
final class EvalCommand implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    @Command(name = "rouge", mixinStandardHelpOptions = true,
            description = "Mean ROUGE-1/2/L/Lsum of predictions against references, equal to Google's rouge_score"
                    + " (several references per row: the best one, as score_multi).")
    static final class Rouge implements Callable<Integer> {
        /** Fields tried, in order, when a data file is given without --prediction-field / --reference-field. */
        static final List<String> PREDICTION_FIELDS = List.of("prediction", "generated", "output", "summary", "text");
        static final List<String> REFERENCE_FIELDS = List.of("references", "reference", "summary", "target", "label");

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Option(names = "--predictions", required = true, paramLabel = "FILE",
                description = "One prediction per line (.txt), or a data file (JSONL, JSON, CSV, Parquet)")
        Path predictions;

        @Option(names = "--references", required = true, paramLabel = "FILE",
                description = "One reference per line (.txt), or a data file whose field holds a text or a list")
        Path references;

        @Option(names = "--prediction-field", paramLabel = "FIELD")
        String predictionField;

        @Option(names = "--reference-field", paramLabel = "FIELD")
        String referenceField;

        @Option(names = "--stemmer", negatable = true, defaultValue = "true", fallbackValue = "true",
                description = "Porter stemmer (default on, as summarisation papers report; --no-stemmer for HF evaluate's default)")
        boolean stemmer;

        @Option(names = "--json", description = "Print JSON instead of a table")
        boolean json;

        @Override
        public Integer call() throws Exception {
            List<List<String>> preds = TextColumn.read(predictions, predictionField, PREDICTION_FIELDS);
            List<List<String>> refs = TextColumn.read(references, referenceField, REFERENCE_FIELDS);
            if (preds.size() != refs.size()) {
                throw new IllegalArgumentException(predictions + " has " + preds.size() + " rows but " + references
                        + " has " + refs.size());
            }
            for (int i = 0; i < preds.size(); i++) {
                if (preds.get(i).size() != 1) {
                    throw new IllegalArgumentException(predictions + ": row " + (i + 1) + " has " + preds.get(i).size()
                            + " predictions, expected one");
                }
                if (refs.get(i).isEmpty()) {
                    throw new IllegalArgumentException(references + ": row " + (i + 1) + " has no reference");
                }
            }
            RougeMean mean = new RougeScorer(stemmer).scoreAll(preds.stream().map(p -> p.get(0)).toList(), refs);
            PrintWriter out = spec.commandLine().getOut();
            if (json) {
                out.println(toJson(mean, stemmer));
            } else {
                out.printf(Locale.ROOT, "%d examples, Porter stemmer %s%n", mean.count(), stemmer ? "on" : "off");
                out.printf(Locale.ROOT, "%-10s %10s %10s %10s%n", "", "precision", "recall", "fmeasure");
                mean.mean().forEach((t, s) -> out.printf(Locale.ROOT, "%-10s %10.4f %10.4f %10.4f%n", t.key(),
                        s.precision(), s.recall(), s.fmeasure()));
            }
            out.flush();
            return 0;
        }

        static String toJson(RougeMean mean, boolean stemmer) throws Exception {
            ObjectMapper m = new ObjectMapper();
            ObjectNode root = m.createObjectNode();
            root.put("examples", mean.count());
            root.put("use_stemmer", stemmer);
            for (Map.Entry<RougeType, Score> e : mean.mean().entrySet()) {
                ObjectNode s = root.putObject(e.getKey().key());
                s.put("precision", e.getValue().precision());
                s.put("recall", e.getValue().recall());
                s.put("fmeasure", e.getValue().fmeasure());
            }
            return m.writeValueAsString(root);
        }
    }
}
