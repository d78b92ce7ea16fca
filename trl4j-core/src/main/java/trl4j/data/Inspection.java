package trl4j.data;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import trl4j.tokenizer.Tokenizer;

/**
 * What {@code ./trl4j data inspect} shows about a data file: its detected schema, the reading summary
 * (rows read, kept, skipped per reason), length percentiles of each text field in words and, given a
 * tokenizer, in tokens, and the first few examples as trl4j will see them.
 */
public record Inspection(Path file, Schema schema, Schema.Task task, ReadSummary summary,
        List<Map<String, String>> examples, Map<String, LengthStats> words, Map<String, LengthStats> tokens) {

    /** Texts are tokenised in batches of this many (the Rust library encodes a batch in parallel). */
    private static final int BATCH = 512;

    public static Inspection of(Path file, ReadOptions options, Tokenizer tokenizer, int exampleCount) {
        Schema schema = Datasets.schemaOf(file, options);
        Schema.Task task = schema.task(options.fields());
        ReadOptions fixed = options.withSchemaKept(schema);
        List<String> fieldNames = task == Schema.Task.PAIRS ? List.of("prompt", "completion")
                : List.of("prompt", "chosen", "rejected");
        Map<String, List<String>> pending = new LinkedHashMap<>();
        Map<String, IntList> wordLengths = new LinkedHashMap<>();
        Map<String, IntList> tokenLengths = new LinkedHashMap<>();
        for (String f : fieldNames) {
            pending.put(f, new ArrayList<>());
            wordLengths.put(f, new IntList());
            tokenLengths.put(f, new IntList());
        }
        List<Map<String, String>> examples = new ArrayList<>();
        ReadSummary summary;
        try (Examples<?> rows = task == Schema.Task.PAIRS ? Datasets.pairs(file, fixed) : Datasets.comparisons(file, fixed)) {
            while (rows.hasNext()) {
                Map<String, String> texts = texts(rows.next());
                if (examples.size() < exampleCount) {
                    examples.add(texts);
                }
                for (String f : fieldNames) {
                    wordLengths.get(f).add(wordCount(texts.get(f)));
                    pending.get(f).add(texts.get(f));
                }
                if (tokenizer != null && pending.get(fieldNames.get(0)).size() == BATCH) {
                    flush(tokenizer, pending, tokenLengths);
                }
            }
            summary = rows.summary();
        }
        Map<String, LengthStats> wordStats = new LinkedHashMap<>();
        Map<String, LengthStats> tokenStats = new LinkedHashMap<>();
        wordLengths.forEach((f, l) -> wordStats.put(f, LengthStats.of(l.toArray())));
        if (tokenizer != null) {
            flush(tokenizer, pending, tokenLengths);
            tokenLengths.forEach((f, l) -> tokenStats.put(f, LengthStats.of(l.toArray())));
        }
        return new Inspection(file, schema, task, summary, examples, wordStats, tokenStats);
    }

    private static Map<String, String> texts(Object row) {
        Map<String, String> m = new LinkedHashMap<>();
        if (row instanceof PromptCompletion p) {
            m.put("prompt", p.prompt());
            m.put("completion", p.completion());
        } else if (row instanceof Comparison c) {
            m.put("prompt", c.prompt());
            m.put("chosen", c.chosen());
            m.put("rejected", c.rejected());
            m.put("kind", c.kind());
        }
        return m;
    }

    private static void flush(Tokenizer tokenizer, Map<String, List<String>> pending, Map<String, IntList> lengths) {
        pending.forEach((f, texts) -> {
            if (!texts.isEmpty() && lengths.containsKey(f)) {
                for (long[] ids : tokenizer.encodeBatch(texts, false)) {
                    lengths.get(f).add(ids.length);
                }
            }
            texts.clear();
        });
    }

    static int wordCount(String text) {
        int n = 0;
        boolean inWord = false;
        for (int i = 0; i < text.length(); i++) {
            boolean space = Character.isWhitespace(text.charAt(i));
            if (!space && !inWord) {
                n++;
            }
            inWord = !space;
        }
        return n;
    }

    /** The report as printed by the command line. */
    public List<String> lines() {
        List<String> out = new ArrayList<>();
        out.add("file:     " + file);
        out.add("format:   " + schema.formatName() + " (" + (task == Schema.Task.PAIRS ? "prompt/completion pairs"
                : "comparisons") + ")");
        out.add("rows:     " + summary.line().substring(summary.file().length() + 2));
        summary.firstBadRows().forEach(b -> out.add("  bad:    " + b.message()));
        out.add("");
        out.add(String.format(Locale.ROOT, "%-22s %8s %6s %6s %6s %6s %6s %6s", "length", "mean", "p50", "p90", "p95",
                "p99", "max", "min"));
        words.forEach((f, s) -> out.add(row(f + " (words)", s)));
        tokens.forEach((f, s) -> out.add(row(f + " (tokens)", s)));
        for (int i = 0; i < examples.size(); i++) {
            out.add("");
            out.add("example " + (i + 1) + ":");
            examples.get(i).forEach((f, t) -> out.add("  " + f + ": " + quote(t)));
        }
        return out;
    }

    private static String row(String name, LengthStats s) {
        return String.format(Locale.ROOT, "%-22s %8.1f %6d %6d %6d %6d %6d %6d", name, s.mean(), s.p50(), s.p90(), s.p95(),
                s.p99(), s.max(), s.min());
    }

    /** A text on one line: line breaks shown as \n, long texts shortened. */
    private static String quote(String t) {
        String one = t.replace("\\", "\\\\").replace("\n", "\\n").replace("\r", "\\r");
        return "\"" + (one.length() > 300 ? one.substring(0, 300) + "…" : one) + "\"";
    }

    /** A growable int array (lengths of a large file without boxing). */
    private static final class IntList {
        private int[] values = new int[1024];
        private int size;

        void add(int v) {
            if (size == values.length) {
                values = java.util.Arrays.copyOf(values, size * 2);
            }
            values[size++] = v;
        }

        int[] toArray() {
            return java.util.Arrays.copyOf(values, size);
        }
    }
}
