package trl4j.train.reward;

import java.util.ArrayList;
import java.util.List;
import trl4j.data.Comparison;
import trl4j.train.reward.RewardEncoder.Encoded;

/**
 * Comparisons tokenized for a reward model. A comparison whose chosen text equals its rejected text
 * (or whose token ids end up equal) carries no preference: it is counted and left out, never
 * trained or evaluated on.
 *
 * @param pairs the usable pairs, in input order
 * @param identical comparisons left out because chosen equals rejected
 */
public record EncodedComparisons(List<Pair> pairs, long identical) {

    /**
     * One usable comparison.
     *
     * @param margin the data's margin (0 when none)
     * @param source index of the comparison in the input list
     */
    public record Pair(Encoded chosen, Encoded rejected, double margin, String kind, int source) {
        /** Tokens of both sequences. */
        public int tokens() {
            return chosen.tokens() + rejected.tokens();
        }
    }

    public EncodedComparisons {
        pairs = List.copyOf(pairs);
    }

    public int size() {
        return pairs.size();
    }

    /** Tokenizes comparisons with the reward model's convention (one batch call for all texts). */
    public static EncodedComparisons of(RewardEncoder encoder, List<Comparison> comparisons) {
        List<Integer> kept = new ArrayList<>();
        List<String> prompts = new ArrayList<>();
        List<String> responses = new ArrayList<>();
        long identical = 0;
        for (int i = 0; i < comparisons.size(); i++) {
            Comparison c = comparisons.get(i);
            if (c.chosen().equals(c.rejected())) {
                identical++;
                continue;
            }
            kept.add(i);
            prompts.add(c.prompt());
            responses.add(c.chosen());
        }
        int n = kept.size();
        for (int i : kept) {
            prompts.add(comparisons.get(i).prompt());
            responses.add(comparisons.get(i).rejected());
        }
        List<Encoded> encoded = encoder.pairs(prompts, responses); // chosen ones, then rejected ones
        List<Pair> pairs = new ArrayList<>(n);
        for (int k = 0; k < n; k++) {
            Encoded chosen = encoded.get(k);
            Encoded rejected = encoded.get(n + k);
            if (chosen.sameIds(rejected)) {
                identical++; // e.g. texts that differ only where truncation cut them
                continue;
            }
            Comparison c = comparisons.get(kept.get(k));
            pairs.add(new Pair(chosen, rejected, c.margin() == null ? 0 : c.margin(), c.kind(), kept.get(k)));
        }
        return new EncodedComparisons(pairs, identical);
    }

    /** The first {@code limit} pairs (all when {@code limit} is 0 or larger than the set). */
    public EncodedComparisons head(int limit) {
        if (limit <= 0 || limit >= pairs.size()) {
            return this;
        }
        return new EncodedComparisons(pairs.subList(0, limit), identical);
    }

    /** Whether any pair carries a margin. */
    public boolean hasMargins() {
        return pairs.stream().anyMatch(p -> p.margin() != 0);
    }
}
