package trl4j.eval.rouge;

/** Precision, recall and F1 of one ROUGE type, as rouge_score's {@code Score} tuple. */
public record Score(double precision, double recall, double fmeasure) {

    public static final Score ZERO = new Score(0.0, 0.0, 0.0);

    public Score {
        check("precision", precision);
        check("recall", recall);
        check("fmeasure", fmeasure);
    }

    /** From precision and recall, with F1 evaluated as rouge_score does ({@code 2 * p * r / (p + r)}, left to right). */
    public static Score of(double precision, double recall) {
        double f = precision + recall > 0 ? 2 * precision * recall / (precision + recall) : 0.0;
        return new Score(precision, recall, f);
    }

    private static void check(String name, double v) {
        if (!(v >= 0 && v <= 1)) {
            throw new IllegalArgumentException(name + " must be in [0, 1], got " + v);
        }
    }
}
