package trl4j.data;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The entry point for reading summarisation data from JSONL, JSON, CSV/TSV or Parquet files, plain or
 * {@code .gz}/{@code .xz}/{@code .zst}. Streaming ({@link #pairs}, {@link #comparisons},
 * {@link #references}) or whole-file ({@code load…}) reads:
 *
 * <pre>{@code
 * try (Examples<PromptCompletion> rows = Datasets.pairs(file, ReadOptions.defaults())) {
 *     for (PromptCompletion row : rows) { ... }
 *     System.out.println(rows.summary().line());
 * }
 * }</pre>
 */
public final class Datasets {

    private Datasets() {}

    /** The schema the options name, or the one detected from the file's first readable row. */
    public static Schema schemaOf(Path file, ReadOptions options) {
        if (options.schema() != null) {
            return options.schema();
        }
        try (RowReader reader = Container.open(file)) {
            return Examples.detect(file, reader, new java.util.ArrayDeque<>());
        }
    }

    /** SFT examples (prompt → completion). */
    public static Examples<PromptCompletion> pairs(Path file, ReadOptions options) {
        return Examples.open(file, options, Schema.Task.PAIRS, a -> a::pairs);
    }

    /** Evaluation examples (prompt and every reference). */
    public static Examples<PromptReferences> references(Path file, ReadOptions options) {
        return Examples.open(file, options, Schema.Task.PAIRS, a -> row -> List.of(a.references(row)));
    }

    /** Reward-model examples (prompt, chosen, rejected, kind). */
    public static Examples<Comparison> comparisons(Path file, ReadOptions options) {
        return Examples.open(file, options, Schema.Task.COMPARISONS, a -> row -> List.of(a.comparison(row)));
    }

    /** Rows of a file with what reading them did. */
    public record Loaded<T>(List<T> rows, ReadSummary summary) {
        public Loaded {
            rows = List.copyOf(rows);
        }
    }

    public static Loaded<PromptCompletion> loadPairs(Path file, ReadOptions options) {
        return drain(pairs(file, options));
    }

    public static Loaded<PromptReferences> loadReferences(Path file, ReadOptions options) {
        return drain(references(file, options));
    }

    public static Loaded<Comparison> loadComparisons(Path file, ReadOptions options) {
        return drain(comparisons(file, options));
    }

    private static <T> Loaded<T> drain(Examples<T> examples) {
        try (examples) {
            List<T> out = new ArrayList<>();
            examples.forEachRemaining(out::add);
            return new Loaded<>(out, examples.summary());
        }
    }
}
