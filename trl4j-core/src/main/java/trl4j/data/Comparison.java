package trl4j.data;

/**
 * One preference: for {@code prompt}, {@code chosen} was preferred over {@code rejected}. The
 * {@code kind} names how the pair was made (the debian-tldr hard-negative kind, so accuracy can be
 * reported per kind), or {@link #UNLABELLED} for human comparisons. The optional {@code margin} (a
 * {@code margin} column, as in TRL's datasets) says how strongly chosen was preferred; a reward model
 * is then trained on −log σ(r_chosen − r_rejected − margin).
 */
public record Comparison(String prompt, String chosen, String rejected, String kind, Double margin) {

    public static final String UNLABELLED = "unlabelled";

    public Comparison {
        Texts.requireText("prompt", prompt);
        Texts.requireText("chosen", chosen);
        Texts.requireText("rejected", rejected);
        Texts.requireText("kind", kind);
        if (margin != null && !Double.isFinite(margin)) {
            throw new IllegalArgumentException("margin must be a finite number, got " + margin);
        }
    }

    public Comparison(String prompt, String chosen, String rejected, String kind) {
        this(prompt, chosen, rejected, kind, null);
    }

    public Comparison(String prompt, String chosen, String rejected) {
        this(prompt, chosen, rejected, UNLABELLED);
    }
}
