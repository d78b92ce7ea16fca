package trl4j.train.reward;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import trl4j.data.BadRow;
import trl4j.data.Comparison;
import trl4j.data.Container;
import trl4j.data.RawRecord;
import trl4j.data.RawRow;
import trl4j.data.RowReader;
import trl4j.data.TldrFormat;

/**
 * Comparisons made from scored data, as the seed project does with SciTLDR: rows that carry several
 * candidate summaries with quality scores instead of ready-made preference pairs.
 *
 * <ul>
 *   <li><b>{@code scored}</b>: {@code {"prompt": …, "completions": [c₁, …], "scores": [s₁, …]}} (optional
 *       {@code kind}). Every two candidates whose scores differ by more than {@code min_score_gap}
 *       make a pair, the higher-scored one chosen (InstructGPT's "all K choose 2 pairs"); ties and
 *       closer pairs are skipped and counted; with {@code max_pairs_per_prompt} the pairs with the
 *       largest score differences are kept. Candidates with equal text are not paired (counted).
 *   <li><b>{@code scitldr}</b>: SciTLDR rows ({@code source} sentences, {@code target} TLDRs,
 *       {@code source_labels}, {@code rouge_scores}). The prompt is the paper (sentences joined, then
 *       {@code TL;DR:}); each TLDR is chosen against the {@code negatives_per_target} source sentences
 *       closest to a summary: first those {@code source_labels} marks 1 (the extractive oracle), then
 *       by {@code rouge_scores}, then in paper order, so the pairs are hard (a fluent, on-topic
 *       sentence that is still not a summary). The kind is {@code oracle_sentence} (label 1) or
 *       {@code source_sentence}. A sentence equal to the TLDR is skipped and counted.
 * </ul>
 *
 * Rows that lack a field or have the wrong types are skipped and counted (the first one is named).
 */
public final class ScoredPairs {

    /** Kind of the pairs of {@code scored} rows without their own {@code kind}. */
    public static final String SCORED_KIND = "scored";
    public static final String ORACLE_SENTENCE = "oracle_sentence";
    public static final String SOURCE_SENTENCE = "source_sentence";

    private static final ObjectMapper JSON = new ObjectMapper();

    /** What a construction made and skipped. */
    public static final class Tally {
        long rows;
        long badRows;
        long pairs;
        long ties;
        long identical;
        long capped;
        String firstBadRow;

        public long rows() {
            return rows;
        }

        public long badRows() {
            return badRows;
        }

        public long pairs() {
            return pairs;
        }

        public long ties() {
            return ties;
        }

        public long identical() {
            return identical;
        }

        public long capped() {
            return capped;
        }

        /** One line for people: "… 120 rows → 540 pairs (31 ties, 2 identical skipped) …". */
        public String line(String file) {
            return String.format(Locale.ROOT, "%s: %d rows → %d pairs (%d ties or closer than min_score_gap skipped, %d identical"
                    + " texts skipped, %d over max_pairs_per_prompt, %d bad rows skipped%s)", file, rows, pairs, ties, identical,
                    capped, badRows, firstBadRow == null ? "" : "; first: " + firstBadRow);
        }
    }

    /** Comparisons read from a file and what making them did. */
    public record Built(List<Comparison> comparisons, Tally tally) {}

    private ScoredPairs() {}

    /**
     * Pairs of one row's candidates by score (pure).
     *
     * @param minGap a pair needs a score difference strictly above this (0: only ties are skipped)
     * @param maxPairs most pairs (largest differences first), 0 = all
     */
    public static List<Comparison> byScore(String prompt, List<String> candidates, List<Double> scores, double minGap,
            int maxPairs, String kind, Tally tally) {
        if (candidates.size() != scores.size()) {
            throw new IllegalArgumentException(candidates.size() + " completions but " + scores.size() + " scores");
        }
        record Candidate(String text, double score, int index) {}
        List<Candidate> cs = new ArrayList<>();
        for (int i = 0; i < candidates.size(); i++) {
            cs.add(new Candidate(candidates.get(i), scores.get(i), i));
        }
        cs.sort(Comparator.comparingDouble((Candidate c) -> -c.score()).thenComparingInt(Candidate::index));
        record Made(Candidate better, Candidate worse) {}
        List<Made> made = new ArrayList<>();
        for (int i = 0; i < cs.size(); i++) {
            for (int j = i + 1; j < cs.size(); j++) {
                Candidate a = cs.get(i);
                Candidate b = cs.get(j);
                if (!(a.score() - b.score() > minGap)) {
                    tally.ties++;
                } else if (a.text().strip().equals(b.text().strip())) {
                    tally.identical++;
                } else {
                    made.add(new Made(a, b));
                }
            }
        }
        // Largest differences first; a stable sort keeps the (score, index) order among equal ones.
        made.sort(Comparator.comparingDouble((Made m) -> -(m.better().score() - m.worse().score())));
        if (maxPairs > 0 && made.size() > maxPairs) {
            tally.capped += made.size() - maxPairs;
            made = made.subList(0, maxPairs);
        }
        List<Comparison> out = new ArrayList<>(made.size());
        String p = TldrFormat.normalisePrompt(prompt);
        for (Made m : made) {
            out.add(new Comparison(p, TldrFormat.completionAfter(prompt, m.better().text()),
                    TldrFormat.completionAfter(prompt, m.worse().text()), kind));
        }
        tally.pairs += out.size();
        return out;
    }

    /**
     * SciTLDR pairs of one paper (pure): each TLDR chosen against the closest source sentences.
     *
     * @param labels {@code source_labels} (1 = oracle sentence), or null
     * @param rouge {@code rouge_scores} per sentence, or null
     */
    public static List<Comparison> sciTldr(List<String> source, List<Integer> labels, List<Double> rouge,
            List<String> targets, int negativesPerTarget, Tally tally) {
        if (labels != null && labels.size() != source.size() || rouge != null && rouge.size() != source.size()) {
            throw new IllegalArgumentException(source.size() + " source sentences but " + (labels == null ? "-" : labels.size())
                    + " source_labels and " + (rouge == null ? "-" : rouge.size()) + " rouge_scores");
        }
        List<Integer> order = new ArrayList<>();
        List<String> sentences = new ArrayList<>();
        for (int i = 0; i < source.size(); i++) {
            if (!source.get(i).isBlank()) {
                order.add(i);
                sentences.add(source.get(i).strip());
            }
        }
        if (sentences.isEmpty()) {
            throw new IllegalArgumentException("'source' has no sentence");
        }
        order.sort(Comparator.comparingInt((Integer i) -> labels == null ? 0 : -labels.get(i))
                .thenComparingDouble(i -> rouge == null ? 0 : -rouge.get(i))
                .thenComparingInt(i -> i));
        String prompt = TldrFormat.prompt(String.join(" ", sentences));
        List<Comparison> out = new ArrayList<>();
        for (String target : targets) {
            if (target.isBlank()) {
                continue;
            }
            int made = 0;
            for (int i : order) {
                if (made == negativesPerTarget) {
                    break;
                }
                String sentence = source.get(i).strip();
                if (sentence.equals(target.strip())) {
                    tally.identical++;
                    continue;
                }
                boolean oracle = labels != null && labels.get(i) == 1;
                out.add(new Comparison(prompt, TldrFormat.completion(target), TldrFormat.completion(sentence),
                        oracle ? ORACLE_SENTENCE : SOURCE_SENTENCE));
                made++;
            }
        }
        tally.pairs += out.size();
        return out;
    }

    /** Reads a {@code scored} file. */
    public static Built readScored(Path file, double minGap, int maxPairs) {
        return read(file, (row, tally) -> {
            String kind = optionalText(row, "kind");
            return byScore(text(row, "prompt"), texts(row, "completions"), numbers(row, "scores"), minGap, maxPairs,
                    kind == null ? SCORED_KIND : kind, tally);
        });
    }

    /** Reads a SciTLDR file. */
    public static Built readSciTldr(Path file, int negativesPerTarget) {
        return read(file, (row, tally) -> {
            List<Double> labels = row.hasNonNull("source_labels") ? numbers(row, "source_labels") : null;
            List<Integer> intLabels = labels == null ? null : labels.stream().map(d -> (int) Math.round(d)).toList();
            List<Double> rouge = row.hasNonNull("rouge_scores") ? numbers(row, "rouge_scores") : null;
            return sciTldr(texts(row, "source"), intLabels, rouge, texts(row, "target"), negativesPerTarget, tally);
        });
    }

    /** Whether a row looks like one of these formats: "scitldr", "scored" or null. */
    static String detect(JsonNode row) {
        if (row.has("source") && row.has("target")) {
            return "scitldr";
        }
        if (row.has("prompt") && row.has("completions") && row.has("scores")) {
            return "scored";
        }
        return null;
    }

    @FunctionalInterface
    private interface RowPairs {
        List<Comparison> pairs(JsonNode row, Tally tally);
    }

    private static Built read(Path file, RowPairs pairsOf) {
        Tally tally = new Tally();
        List<Comparison> out = new ArrayList<>();
        try (RowReader reader = Container.open(file)) {
            while (reader.hasNext()) {
                RawRecord r = reader.next();
                tally.rows++;
                if (r instanceof BadRow bad) {
                    tally.badRows++;
                    if (tally.firstBadRow == null) {
                        tally.firstBadRow = bad.message();
                    }
                    continue;
                }
                RawRow row = (RawRow) r;
                try {
                    out.addAll(pairsOf.pairs(row.fields(), tally));
                } catch (IllegalArgumentException e) {
                    tally.badRows++;
                    if (tally.firstBadRow == null) {
                        tally.firstBadRow = row.location() + ": " + e.getMessage();
                    }
                }
            }
        }
        if (out.isEmpty()) {
            throw new IllegalArgumentException(tally.line(file.toString()) + ": no comparison could be made");
        }
        return new Built(out, tally);
    }

    // Field access: JSON values, or JSON text in a CSV cell.

    private static JsonNode field(JsonNode row, String key) {
        JsonNode n = row.get(key);
        if (n == null || n.isNull()) {
            throw new IllegalArgumentException("no '" + key + "'");
        }
        if (n.isTextual() && (n.asText().strip().startsWith("["))) {
            try {
                return JSON.readTree(n.asText());
            } catch (IOException e) {
                throw new IllegalArgumentException("'" + key + "' is not valid JSON: " + e.getMessage());
            }
        }
        return n;
    }

    private static String text(JsonNode row, String key) {
        JsonNode n = field(row, key);
        if (!n.isTextual() || n.asText().isBlank()) {
            throw new IllegalArgumentException("'" + key + "' must be non-empty text");
        }
        return n.asText();
    }

    private static String optionalText(JsonNode row, String key) {
        JsonNode n = row.get(key);
        return n != null && n.isTextual() && !n.asText().isBlank() ? n.asText() : null;
    }

    private static List<String> texts(JsonNode row, String key) {
        JsonNode n = field(row, key);
        if (!n.isArray() || n.isEmpty()) {
            throw new IllegalArgumentException("'" + key + "' must be a non-empty list of texts");
        }
        List<String> out = new ArrayList<>();
        for (JsonNode e : n) {
            if (!e.isTextual()) {
                throw new IllegalArgumentException("'" + key + "' holds " + e.getNodeType().name().toLowerCase(Locale.ROOT)
                        + ", expected text");
            }
            out.add(e.asText());
        }
        return out;
    }

    private static List<Double> numbers(JsonNode row, String key) {
        JsonNode n = field(row, key);
        if (!n.isArray()) {
            throw new IllegalArgumentException("'" + key + "' must be a list of numbers");
        }
        List<Double> out = new ArrayList<>();
        for (JsonNode e : n) {
            if (!e.isNumber() || !Double.isFinite(e.asDouble())) {
                throw new IllegalArgumentException("'" + key + "' holds " + e + ", expected a finite number");
            }
            out.add(e.asDouble());
        }
        return out;
    }
}
