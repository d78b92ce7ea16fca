package trl4j.pipeline;

import java.util.List;
import trl4j.eval.rouge.RougeScorer;
import trl4j.eval.rouge.RougeType;

/**
 * The gold judge that stands in for Stiennon et al.'s human labellers. It knows the reference
 * synopsis and prefers summaries that say what it says, briefly:
 *
 * <pre>
 *   gold(s) = ROUGE-L F1(s, reference)  −  0.03 · max(0, words(s) − words(reference) − 3)
 * </pre>
 *
 * ROUGE-L with the Porter stemmer (Google's rouge_score semantics) rewards content in the right
 * order; the length term charges 0.03 per word beyond the reference's length plus three, so padding
 * a summary with document words cannot buy ROUGE recall. Of two summaries the one with the higher
 * gold score is preferred; pairs closer than {@link #TIE} are ties and are not labelled (as Stiennon
 * et al. drop comparisons labellers could not decide).
 *
 * <p>Because the judge is known, the pipeline can report what a real RLHF run cannot: whether PPO
 * improved the true objective or only the learnt proxy reward (Gao et al. 2022).
 */
public final class GoldJudge {

    /** Penalty per excess word. */
    public static final double LENGTH_PENALTY = 0.03;
    /** Words beyond the reference's length that cost nothing. */
    public static final int LENGTH_SLACK = 3;
    /** Gold-score differences below this are ties. */
    public static final double TIE = 0.02;

    private final RougeScorer rouge = new RougeScorer(true);

    /** The gold score of a summary against one reference. */
    public double score(String summary, String reference) {
        double f1 = rouge.score(reference, summary).get(RougeType.ROUGE_L).fmeasure();
        int excess = words(summary) - words(reference) - LENGTH_SLACK;
        return f1 - LENGTH_PENALTY * Math.max(0, excess);
    }

    /** Against several references, the best (as rouge_score's score_multi keeps the best). */
    public double score(String summary, List<String> references) {
        double best = Double.NEGATIVE_INFINITY;
        for (String r : references) {
            best = Math.max(best, score(summary, r));
        }
        return best;
    }

    /** +1 if {@code a} is preferred, −1 if {@code b} is, 0 for a tie. */
    public int prefer(String a, String b, List<String> references) {
        double d = score(a, references) - score(b, references);
        if (Math.abs(d) < TIE) {
            return 0;
        }
        return d > 0 ? 1 : -1;
    }

    static int words(String s) {
        String t = s.strip();
        return t.isEmpty() ? 0 : t.split("\\s+").length;
    }

    /** The rule in one paragraph, for the report. */
    public static String describe() {
        return "gold(s) = ROUGE-L F1(s, reference synopsis; Porter stemmer) − " + LENGTH_PENALTY
                + " × max(0, words(s) − words(reference) − " + LENGTH_SLACK + "). Of two summaries the one with the "
                + "higher gold score is preferred; differences below " + TIE + " are ties and are not labelled. "
                + "The length term stops a policy from buying ROUGE recall by copying the document.";
    }
}
