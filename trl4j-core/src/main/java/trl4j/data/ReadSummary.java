package trl4j.data;

import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * What reading a file did: rows read, kept and skipped (per reason), examples produced (SciTLDR rows
 * can give several), and the first bad rows with their locations. Nothing is dropped without being
 * counted here.
 */
public record ReadSummary(String file, Schema schema, long read, long kept, long examples,
        Map<BadRowReason, Long> skippedByReason, List<BadRow> firstBadRows) {

    /** How many bad rows are kept with their locations. */
    public static final int BAD_ROWS_SHOWN = 5;

    public ReadSummary {
        skippedByReason = Collections.unmodifiableMap(new LinkedHashMap<>(skippedByReason));
        firstBadRows = List.copyOf(firstBadRows);
        long skipped = skippedByReason.values().stream().mapToLong(Long::longValue).sum();
        if (read != kept + skipped) {
            throw new IllegalStateException(file + ": " + read + " rows read but " + kept + " kept + " + skipped + " skipped");
        }
    }

    public long skipped() {
        return read - kept;
    }

    /** E.g. {@code a.jsonl: 12 rows read, 9 kept, 3 skipped (2 missing field, 1 malformed JSON)}. */
    public String line() {
        StringBuilder b = new StringBuilder(file).append(": ").append(read).append(read == 1 ? " row" : " rows")
                .append(" read, ").append(kept).append(" kept");
        if (examples != kept) {
            b.append(" (").append(examples).append(" examples)");
        }
        b.append(", ").append(skipped()).append(" skipped");
        if (skipped() > 0) {
            b.append(" (").append(skippedByReason.entrySet().stream()
                    .map(e -> e.getValue() + " " + e.getKey().label()).collect(Collectors.joining(", "))).append(')');
        }
        return b.toString();
    }

    /** Counts rows as a reader goes; {@link #summary} snapshots them. */
    static final class Tally {
        private final String file;
        private final Map<BadRowReason, Long> skipped = new EnumMap<>(BadRowReason.class);
        private final List<BadRow> firstBad = new ArrayList<>();
        private long read;
        private long kept;
        private long examples;

        Tally(String file) {
            this.file = file;
        }

        void kept(int producedExamples) {
            read++;
            kept++;
            examples += producedExamples;
        }

        void skipped(BadRow bad) {
            read++;
            skipped.merge(bad.reason(), 1L, Long::sum);
            if (firstBad.size() < BAD_ROWS_SHOWN) {
                firstBad.add(bad);
            }
        }

        ReadSummary summary(Schema schema) {
            return new ReadSummary(file, schema, read, kept, examples, skipped, firstBad);
        }
    }
}
