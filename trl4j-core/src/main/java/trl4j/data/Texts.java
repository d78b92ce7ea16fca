package trl4j.data;

/** Validation shared by the row records. */
final class Texts {
    private Texts() {}

    static void requireText(String field, String value) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(field + " must be non-empty text, got "
                    + (value == null ? "null" : "'" + value + "'"));
        }
    }
}
