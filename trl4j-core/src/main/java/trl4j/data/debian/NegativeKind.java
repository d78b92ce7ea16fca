package trl4j.data.debian;

/**
 * How a debian-tldr comparison's rejected summary was made from the real synopsis (recorded per row
 * so reward-model accuracy can be reported per kind).
 */
public enum NegativeKind {
    /** Another package's synopsis, from a related package (same name prefix, else a near neighbour) in another group. */
    RELATED_SYNOPSIS("related_synopsis"),
    /** The synopsis with about a third of its words dropped. */
    DROPPED_WORDS("dropped_words"),
    /** The synopsis with one or two words repeated. */
    DUPLICATED_WORDS("duplicated_words"),
    /** The synopsis's words in another order. */
    SHUFFLED_WORDS("shuffled_words"),
    /** A too-long copy of the document's first words instead of a summary. */
    LEAD_COPY("lead_copy");

    private final String key;

    NegativeKind(String key) {
        this.key = key;
    }

    /** The name written in the {@code kind} field. */
    public String key() {
        return key;
    }
}
