package trl4j.train.reward;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Stiennon et al. 2020 (§3.4 / appendix C): "the reward model is normalized so that the reference
 * summaries from our dataset achieve a mean score of 0". The shift is −mean(reference scores); it is
 * folded into the weights where the architecture has an additive term before the head (GPT-2's final
 * layer-norm bias), so Hugging Face's model gives the normalised scores too; otherwise it becomes the
 * reward model's {@code score_offset}, which trl4j adds to every score.
 */
public final class Normalization {

    private Normalization() {}

    /**
     * Shifts {@code model}'s scores by −{@code referenceMean} and records how.
     *
     * @param referenceMean mean raw score (offset 0) of the references
     * @param references how many references were scored
     * @param source where they came from, for the record
     * @return the record now in the model (also written into config.json on save)
     */
    public static ObjectNode apply(RewardModel model, double referenceMean, long references, String source) {
        if (!Double.isFinite(referenceMean)) {
            throw new IllegalStateException("reference summaries scored " + referenceMean + " on average: cannot normalise");
        }
        ObjectNode record = JsonNodeFactory.instance.objectNode();
        record.put("reference_mean_before", referenceMean);
        record.put("references", references);
        record.put("source", source);
        String tensor = model.model().scoreOffsetTensor();
        if (model.model().foldScoreOffset(-referenceMean)) {
            model.setOptions(model.options().withScoreOffset(0));
            record.put("applied", "folded into " + tensor);
        } else {
            model.setOptions(model.options().withScoreOffset(-referenceMean));
            record.put("applied", "score_offset");
        }
        model.setNormalization(record);
        return record;
    }

    /** The mean of raw scores. */
    public static double mean(double[] scores) {
        double s = 0;
        for (double v : scores) {
            s += v;
        }
        return scores.length == 0 ? Double.NaN : s / scores.length;
    }
}
