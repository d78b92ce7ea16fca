package trl4j.eval.rouge;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Google's {@code rouge_score.RougeScorer}, reproduced to the last bit: ROUGE-1/2 (clipped n-gram
 * overlap), ROUGE-L (LCS) and ROUGE-Lsum (summary-level union LCS with rouge_score's backtracking
 * tie-break), with or without NLTK's Porter stemmer.
 *
 * <p>The argument order is the reference's: {@code score(reference, prediction)}.
 */
public final class RougeScorer {

    private final List<RougeType> types;
    private final boolean useStemmer;

    public RougeScorer(List<RougeType> types, boolean useStemmer) {
        if (types.isEmpty()) {
            throw new IllegalArgumentException("at least one ROUGE type is needed");
        }
        this.types = List.copyOf(types);
        this.useStemmer = useStemmer;
    }

    /** All four types. */
    public RougeScorer(boolean useStemmer) {
        this(Arrays.asList(RougeType.values()), useStemmer);
    }

    public List<RougeType> types() {
        return types;
    }

    public boolean useStemmer() {
        return useStemmer;
    }

    /** Scores a prediction against one reference (the reference comes first, as in rouge_score). */
    public Map<RougeType, Score> score(String reference, String prediction) {
        Map<RougeType, Score> out = new EnumMap<>(RougeType.class);
        List<String> refTokens = null;
        List<String> predTokens = null;
        for (RougeType type : types) {
            if (type == RougeType.ROUGE_LSUM) {
                out.put(type, summaryLevelLcs(sentenceTokens(reference), sentenceTokens(prediction)));
                continue;
            }
            if (refTokens == null) {
                refTokens = RougeTokenizer.tokenize(reference, useStemmer);
                predTokens = RougeTokenizer.tokenize(prediction, useStemmer);
            }
            out.put(type, switch (type) {
                case ROUGE1 -> ngramScore(refTokens, predTokens, 1);
                case ROUGE2 -> ngramScore(refTokens, predTokens, 2);
                case ROUGE_L -> lcsScore(refTokens, predTokens);
                case ROUGE_LSUM -> throw new IllegalStateException("handled above");
            });
        }
        return out;
    }

    /**
     * rouge_score's {@code score_multi}: scores every reference and keeps, per type, the one with the
     * highest F1 (the first on ties, as {@code np.argmax}).
     */
    public Map<RougeType, Score> scoreMulti(List<String> references, String prediction) {
        if (references.isEmpty()) {
            throw new IllegalArgumentException("score_multi needs at least one reference");
        }
        Map<RougeType, Score> best = new EnumMap<>(RougeType.class);
        for (String reference : references) {
            score(reference, prediction).forEach((type, s) -> {
                Score current = best.get(type);
                if (current == null || s.fmeasure() > current.fmeasure()) {
                    best.put(type, s);
                }
            });
        }
        return best;
    }

    /** Scores each prediction against its references ({@link #scoreMulti}) and averages, as in a corpus evaluation. */
    public RougeMean scoreAll(List<String> predictions, List<List<String>> references) {
        if (predictions.size() != references.size()) {
            throw new IllegalArgumentException(predictions.size() + " predictions but " + references.size() + " references");
        }
        RougeMean mean = new RougeMean();
        for (int i = 0; i < predictions.size(); i++) {
            mean.add(scoreMulti(references.get(i), predictions.get(i)));
        }
        return mean;
    }

    // ---- rouge1 / rouge2 ----

    static Score ngramScore(List<String> reference, List<String> prediction, int n) {
        Map<List<String>, Integer> refCounts = ngrams(reference, n);
        Map<List<String>, Integer> predCounts = ngrams(prediction, n);
        int overlap = 0;
        for (Map.Entry<List<String>, Integer> e : refCounts.entrySet()) {
            overlap += Math.min(e.getValue(), predCounts.getOrDefault(e.getKey(), 0));
        }
        int refTotal = Math.max(reference.size() - n + 1, 0);
        int predTotal = Math.max(prediction.size() - n + 1, 0);
        double precision = (double) overlap / Math.max(predTotal, 1);
        double recall = (double) overlap / Math.max(refTotal, 1);
        return Score.of(precision, recall);
    }

    private static Map<List<String>, Integer> ngrams(List<String> tokens, int n) {
        Map<List<String>, Integer> counts = new HashMap<>();
        for (int i = 0; i + n <= tokens.size(); i++) {
            counts.merge(tokens.subList(i, i + n), 1, Integer::sum);
        }
        return counts;
    }

    // ---- rougeL ----

    static Score lcsScore(List<String> reference, List<String> prediction) {
        if (reference.isEmpty() || prediction.isEmpty()) {
            return Score.ZERO;
        }
        int lcs = lcsTable(reference, prediction)[reference.size()][prediction.size()];
        return Score.of((double) lcs / prediction.size(), (double) lcs / reference.size());
    }

    /** The standard DP table: {@code t[i][j]} = LCS length of {@code r[:i]} and {@code c[:j]}. */
    private static int[][] lcsTable(List<String> r, List<String> c) {
        int[][] t = new int[r.size() + 1][c.size() + 1];
        for (int i = 1; i <= r.size(); i++) {
            for (int j = 1; j <= c.size(); j++) {
                t[i][j] = r.get(i - 1).equals(c.get(j - 1)) ? t[i - 1][j - 1] + 1 : Math.max(t[i - 1][j], t[i][j - 1]);
            }
        }
        return t;
    }

    // ---- rougeLsum ----

    /** {@code text.split("\n")} without empty strings, each tokenised (a sentence may have no tokens). */
    private List<List<String>> sentenceTokens(String text) {
        List<List<String>> out = new ArrayList<>();
        for (String sentence : text.split("\n", -1)) {
            if (!sentence.isEmpty()) {
                out.add(RougeTokenizer.tokenize(sentence, useStemmer));
            }
        }
        return out;
    }

    static Score summaryLevelLcs(List<List<String>> reference, List<List<String>> prediction) {
        if (reference.isEmpty() || prediction.isEmpty()) {
            return Score.ZERO;
        }
        int m = reference.stream().mapToInt(List::size).sum();
        int n = prediction.stream().mapToInt(List::size).sum();
        if (m == 0 || n == 0) {
            return Score.ZERO;
        }
        Map<String, Integer> refCounts = new HashMap<>();
        Map<String, Integer> predCounts = new HashMap<>();
        reference.forEach(s -> s.forEach(t -> refCounts.merge(t, 1, Integer::sum)));
        prediction.forEach(s -> s.forEach(t -> predCounts.merge(t, 1, Integer::sum)));
        int hits = 0;
        for (List<String> r : reference) {
            BitSet union = new BitSet(r.size());
            for (List<String> c : prediction) {
                lcsIndices(r, c, union);
            }
            // Each reference token is a hit at most as often as both texts still have it left.
            for (int k = union.nextSetBit(0); k >= 0; k = union.nextSetBit(k + 1)) {
                String w = r.get(k);
                if (predCounts.getOrDefault(w, 0) > 0 && refCounts.getOrDefault(w, 0) > 0) {
                    hits++;
                    predCounts.merge(w, -1, Integer::sum);
                    refCounts.merge(w, -1, Integer::sum);
                }
            }
        }
        return Score.of((double) hits / n, (double) hits / m);
    }

    /**
     * Adds the indices into {@code r} of one LCS of (r, c), found by rouge_score's backtrack from the
     * end: diagonal on a match, else left when {@code t[i][j-1] > t[i-1][j]}, else up. Another valid LCS
     * would change the union and the scores.
     */
    private static void lcsIndices(List<String> r, List<String> c, BitSet into) {
        int[][] t = lcsTable(r, c);
        int i = r.size();
        int j = c.size();
        while (i > 0 && j > 0) {
            if (r.get(i - 1).equals(c.get(j - 1))) {
                into.set(i - 1);
                i--;
                j--;
            } else if (t[i][j - 1] > t[i - 1][j]) {
                j--;
            } else {
                i--;
            }
        }
    }
}
