package trl4j.data;

/**
 * One preference: for {@code prompt}, {@code chosen} was preferred over {@code rejected}. The
 * {@code kind} names how the pair was made (the debian-tldr hard-negative kind, so accuracy can be
 * reported per kind), or {@link #UNLABELLED} for human comparisons.
 */
public record Comparison(String prompt, String chosen, String rejected, String kind) {

    public static final String UNLABELLED = "unlabelled";

    public Comparison {
        Texts.requireText("prompt", prompt);
        Texts.requireText("chosen", chosen);
        Texts.requireText("rejected", rejected);
        Texts.requireText("kind", kind);
    }

    public Comparison(String prompt, String chosen, String rejected) {
        this(prompt, chosen, rejected, UNLABELLED);
    }
}
