package trl4j.train.reward;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import trl4j.data.Comparison;
import trl4j.data.Container;
import trl4j.data.Datasets;
import trl4j.data.RawRecord;
import trl4j.data.RawRow;
import trl4j.data.ReadOptions;
import trl4j.data.RowReader;
import trl4j.data.Schema;

/**
 * Reads the comparisons a reward model trains on from a file of any supported format: preference
 * pairs through {@link Datasets} (TRL's {@code prompt/chosen/rejected}, OpenAI's
 * {@code summarize_from_feedback}, debian-tldr's hard negatives), or pairs made from scored data by
 * {@link ScoredPairs} ({@code scored}, {@code scitldr}).
 */
public final class ComparisonFiles {

    public static final String SCORED = "scored";
    public static final String SCITLDR = "scitldr";

    /** Comparisons and a line saying what reading them did. */
    public record Loaded(List<Comparison> comparisons, String summary) {}

    private ComparisonFiles() {}

    /**
     * @param format a comparison format name, {@code scored}, {@code scitldr}, or null to detect it
     *     from the first row
     */
    public static Loaded load(Path file, String format, RewardMethod method) {
        String f = format == null ? detect(file) : format.toLowerCase(Locale.ROOT).replace('_', '-');
        if (f.equals(SCORED)) {
            ScoredPairs.Built b = ScoredPairs.readScored(file, method.minScoreGap(), method.maxPairsPerPrompt());
            return new Loaded(b.comparisons(), b.tally().line(file.toString()));
        }
        if (f.equals(SCITLDR)) {
            ScoredPairs.Built b = ScoredPairs.readSciTldr(file, method.negativesPerTarget());
            return new Loaded(b.comparisons(), b.tally().line(file.toString()));
        }
        ReadOptions options = f.equals("detect") ? ReadOptions.defaults() : ReadOptions.defaults().withSchema(Schema.fromFormatName(f));
        Datasets.Loaded<Comparison> loaded = Datasets.loadComparisons(file, options);
        if (loaded.rows().isEmpty()) {
            throw new IllegalArgumentException(loaded.summary().line() + ": no comparison could be read");
        }
        return new Loaded(loaded.rows(), loaded.summary().line());
    }

    /** "scored" or "scitldr" when the first readable row has their fields, else "detect" (Datasets decides). */
    static String detect(Path file) {
        try (RowReader reader = Container.open(file)) {
            while (reader.hasNext()) {
                RawRecord r = reader.next();
                if (r instanceof RawRow row) {
                    String f = ScoredPairs.detect(row.fields());
                    return f != null ? f : "detect";
                }
            }
        }
        return "detect";
    }
}
