package trl4j.data;

/**
 * Explicit field names for a file of no known schema ({@code --prompt-field} and either
 * {@code --completion-field} or {@code --chosen-field} + {@code --rejected-field}); dotted paths
 * reach into nested objects.
 */
public record FieldMapping(String prompt, String completion, String chosen, String rejected) {
    public FieldMapping {
        if (prompt == null || prompt.isBlank()) {
            throw new IllegalArgumentException("--prompt-field is required with explicit field names");
        }
        boolean pair = completion != null;
        boolean comparison = chosen != null || rejected != null;
        if (pair == comparison) {
            throw new IllegalArgumentException("give either --completion-field, or --chosen-field and --rejected-field");
        }
        if (comparison && (chosen == null || rejected == null)) {
            throw new IllegalArgumentException("--chosen-field and --rejected-field go together");
        }
    }

    public static FieldMapping pairs(String prompt, String completion) {
        return new FieldMapping(prompt, completion, null, null);
    }

    public static FieldMapping comparisons(String prompt, String chosen, String rejected) {
        return new FieldMapping(prompt, null, chosen, rejected);
    }
}
