package trl4j.eval.baseline;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import trl4j.eval.rouge.RougeMean;
import trl4j.eval.rouge.RougeScorer;
import trl4j.eval.rouge.RougeType;
import trl4j.eval.rouge.Score;

/**
 * Extractive baselines that need no model: the first k words of the document ("lead-k", as the
 * lead-3 baseline of news summarisation) and its first sentence. A trained summariser has to beat
 * them, lead-10 in particular, to have learnt more than copying.
 */
public final class LeadBaselines {

    /** The k values of the datasheet table. */
    public static final List<Integer> LEAD_KS = List.of(5, 10, 15, 20);

    /** A sentence ends at . ! or ? followed by space and an upper-case letter or digit ("A.D. (pronounced" does not end one). */
    private static final Pattern SENTENCE_END = Pattern.compile("[.!?](?=\\s+[\\p{Lu}\\p{N}])");

    /** One baseline's mean ROUGE over a split, and the mean length of what it predicted. */
    public record Result(String name, int examples, double meanWords, Map<RougeType, Score> rouge) {}

    private LeadBaselines() {}

    public static String lead(String document, int k) {
        if (k < 1) {
            throw new IllegalArgumentException("lead-k needs k >= 1, got " + k);
        }
        String[] words = document.strip().split("\\s+");
        return String.join(" ", java.util.Arrays.copyOf(words, Math.min(k, words.length)));
    }

    /** The first sentence of the first paragraph (the whole paragraph when no sentence end is found). */
    public static String firstSentence(String document) {
        String first = document.strip().lines().findFirst().orElse("");
        Matcher m = SENTENCE_END.matcher(first);
        return m.find() ? first.substring(0, m.end()) : first;
    }

    /** Lead-k for each k of {@link #LEAD_KS} and the first sentence, scored against the references. */
    public static List<Result> score(List<String> documents, List<List<String>> references, boolean useStemmer) {
        List<Result> out = new ArrayList<>();
        for (int k : LEAD_KS) {
            out.add(score("lead-" + k, d -> lead(d, k), documents, references, useStemmer));
        }
        out.add(score("first sentence", LeadBaselines::firstSentence, documents, references, useStemmer));
        return out;
    }

    public static Result score(String name, UnaryOperator<String> summarise, List<String> documents,
            List<List<String>> references, boolean useStemmer) {
        if (documents.size() != references.size()) {
            throw new IllegalArgumentException(documents.size() + " documents but " + references.size() + " reference lists");
        }
        RougeScorer scorer = new RougeScorer(useStemmer);
        RougeMean mean = new RougeMean();
        long words = 0;
        for (int i = 0; i < documents.size(); i++) {
            String prediction = summarise.apply(documents.get(i));
            words += prediction.isBlank() ? 0 : prediction.strip().split("\\s+").length;
            mean.add(scorer.scoreMulti(references.get(i), prediction));
        }
        return new Result(name, documents.size(), documents.isEmpty() ? 0 : (double) words / documents.size(), mean.mean());
    }
}
