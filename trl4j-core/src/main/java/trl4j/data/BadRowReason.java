package trl4j.data;

/** Why a row was not used; the summary line counts rows per reason. */
public enum BadRowReason {
    MALFORMED_JSON("malformed JSON"),
    MALFORMED_CSV("malformed CSV"),
    INVALID_UTF8("invalid UTF-8"),
    MISSING_FIELD("missing field"),
    WRONG_TYPE("wrong type"),
    EMPTY_TEXT("empty text");

    private final String label;

    BadRowReason(String label) {
        this.label = label;
    }

    /** Short human name, as printed in summaries. */
    public String label() {
        return label;
    }
}
