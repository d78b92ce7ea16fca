package trl4j.data.debian;

import trl4j.data.LengthStats;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What {@code build-debian} did, for the datasheet and the command's report: the source, how many
 * stanzas each filter dropped, and per split the rows, groups, lengths and negative kinds.
 */
public record BuildStats(String sourceName, String sourceSha256, long stanzas, long documentTooShort,
        long documentTooLong, long synopsisTooShort, long synopsisTooLong, long duplicateDocuments, long rows,
        long groups, Map<String, Long> largestGroups, Map<String, SplitStats> splits) {

    /** One split's counts. */
    public record SplitStats(long rows, long groups, LengthStats documentWords, LengthStats summaryWords,
            Map<NegativeKind, Long> negativeKinds) {
        public SplitStats {
            negativeKinds = Collections.unmodifiableMap(new LinkedHashMap<>(negativeKinds));
        }
    }

    public BuildStats {
        largestGroups = Collections.unmodifiableMap(new LinkedHashMap<>(largestGroups));
        splits = Collections.unmodifiableMap(new LinkedHashMap<>(splits));
        long inSplits = splits.values().stream().mapToLong(SplitStats::rows).sum();
        if (inSplits != rows) {
            throw new IllegalStateException(rows + " rows kept but " + inSplits + " in splits");
        }
        long dropped = documentTooShort + documentTooLong + synopsisTooShort + synopsisTooLong + duplicateDocuments;
        if (stanzas != rows + dropped) {
            throw new IllegalStateException(stanzas + " stanzas but " + rows + " kept + " + dropped + " dropped");
        }
    }

    /** One line for the command's output. */
    public String line() {
        StringBuilder b = new StringBuilder().append(stanzas).append(" stanzas → ").append(rows).append(" rows in ")
                .append(groups).append(" groups (dropped: ").append(documentTooShort).append(" document < ")
                .append(DebianTldrBuilder.MIN_DOCUMENT_WORDS).append(" words, ").append(documentTooLong)
                .append(" document > ").append(DebianTldrBuilder.MAX_DOCUMENT_WORDS).append(" words, ")
                .append(synopsisTooShort).append(" synopsis < ").append(DebianTldrBuilder.MIN_SYNOPSIS_WORDS)
                .append(" words, ").append(synopsisTooLong).append(" synopsis > ")
                .append(DebianTldrBuilder.MAX_SYNOPSIS_WORDS).append(" words, ").append(duplicateDocuments)
                .append(" duplicate documents); ");
        splits.forEach((name, s) -> b.append(name).append(' ').append(s.rows()).append(", "));
        return b.substring(0, b.length() - 2);
    }
}
