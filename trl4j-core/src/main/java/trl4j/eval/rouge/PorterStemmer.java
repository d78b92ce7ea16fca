package trl4j.eval.rouge;

import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * The Porter stemmer as NLTK 3.8 runs it by default ({@code PorterStemmer()}, mode
 * {@code NLTK_EXTENSIONS}), which is what {@code rouge_score} calls with {@code use_stemmer=True}.
 *
 * <p>This is neither Martin Porter's original 1980 algorithm nor Snowball: NLTK adds an
 * irregular-forms table, keeps words of one or two letters as they are, special-cases
 * four-letter {@code -ies}/{@code -ied} words, only turns {@code y} into {@code i} after a
 * consonant that is not the whole stem, applies {@code alli → al} first in step 2 and adds the
 * {@code fulli} and {@code logi} rules. Input is expected in lower case (as rouge_score's tokens are).
 */
public final class PorterStemmer {

    /** NLTK's irregular forms: word → the stem it is pinned to. */
    private static final Map<String, String> IRREGULAR = Map.ofEntries(
            Map.entry("sky", "sky"), Map.entry("skies", "sky"),
            Map.entry("dying", "die"), Map.entry("lying", "lie"), Map.entry("tying", "tie"),
            Map.entry("news", "news"),
            Map.entry("innings", "inning"), Map.entry("inning", "inning"),
            Map.entry("outings", "outing"), Map.entry("outing", "outing"),
            Map.entry("cannings", "canning"), Map.entry("canning", "canning"),
            Map.entry("howe", "howe"), Map.entry("proceed", "proceed"),
            Map.entry("exceed", "exceed"), Map.entry("succeed", "succeed"));

    /** One rewrite: if the word ends with {@code suffix} and the rest satisfies the condition. */
    private record Rule(String suffix, String replacement, Predicate<String> condition) {}

    private static final List<Rule> STEP1B_ENDINGS = List.of(
            new Rule("at", "ate", null),
            new Rule("bl", "ble", null),
            new Rule("iz", "ize", null));

    /** Step 2 in NLTK's order; its 'logi' rule, whose condition looks at the word, is applied after these. */
    private static final List<Rule> STEP2 = List.of(
            new Rule("ational", "ate", PorterStemmer::positiveMeasure),
            new Rule("tional", "tion", PorterStemmer::positiveMeasure),
            new Rule("enci", "ence", PorterStemmer::positiveMeasure),
            new Rule("anci", "ance", PorterStemmer::positiveMeasure),
            new Rule("izer", "ize", PorterStemmer::positiveMeasure),
            new Rule("bli", "ble", PorterStemmer::positiveMeasure),
            new Rule("alli", "al", PorterStemmer::positiveMeasure),
            new Rule("entli", "ent", PorterStemmer::positiveMeasure),
            new Rule("eli", "e", PorterStemmer::positiveMeasure),
            new Rule("ousli", "ous", PorterStemmer::positiveMeasure),
            new Rule("ization", "ize", PorterStemmer::positiveMeasure),
            new Rule("ation", "ate", PorterStemmer::positiveMeasure),
            new Rule("ator", "ate", PorterStemmer::positiveMeasure),
            new Rule("alism", "al", PorterStemmer::positiveMeasure),
            new Rule("iveness", "ive", PorterStemmer::positiveMeasure),
            new Rule("fulness", "ful", PorterStemmer::positiveMeasure),
            new Rule("ousness", "ous", PorterStemmer::positiveMeasure),
            new Rule("aliti", "al", PorterStemmer::positiveMeasure),
            new Rule("iviti", "ive", PorterStemmer::positiveMeasure),
            new Rule("biliti", "ble", PorterStemmer::positiveMeasure),
            new Rule("fulli", "ful", PorterStemmer::positiveMeasure));

    private static final List<Rule> STEP3 = List.of(
            new Rule("icate", "ic", PorterStemmer::positiveMeasure),
            new Rule("ative", "", PorterStemmer::positiveMeasure),
            new Rule("alize", "al", PorterStemmer::positiveMeasure),
            new Rule("iciti", "ic", PorterStemmer::positiveMeasure),
            new Rule("ical", "ic", PorterStemmer::positiveMeasure),
            new Rule("ful", "", PorterStemmer::positiveMeasure),
            new Rule("ness", "", PorterStemmer::positiveMeasure));

    private static final List<Rule> STEP4 = List.of(
            new Rule("al", "", PorterStemmer::measureAboveOne),
            new Rule("ance", "", PorterStemmer::measureAboveOne),
            new Rule("ence", "", PorterStemmer::measureAboveOne),
            new Rule("er", "", PorterStemmer::measureAboveOne),
            new Rule("ic", "", PorterStemmer::measureAboveOne),
            new Rule("able", "", PorterStemmer::measureAboveOne),
            new Rule("ible", "", PorterStemmer::measureAboveOne),
            new Rule("ant", "", PorterStemmer::measureAboveOne),
            new Rule("ement", "", PorterStemmer::measureAboveOne),
            new Rule("ment", "", PorterStemmer::measureAboveOne),
            new Rule("ent", "", PorterStemmer::measureAboveOne),
            new Rule("ion", "", s -> measure(s) > 1 && !s.isEmpty()
                    && (s.charAt(s.length() - 1) == 's' || s.charAt(s.length() - 1) == 't')),
            new Rule("ou", "", PorterStemmer::measureAboveOne),
            new Rule("ism", "", PorterStemmer::measureAboveOne),
            new Rule("ate", "", PorterStemmer::measureAboveOne),
            new Rule("iti", "", PorterStemmer::measureAboveOne),
            new Rule("ous", "", PorterStemmer::measureAboveOne),
            new Rule("ive", "", PorterStemmer::measureAboveOne),
            new Rule("ize", "", PorterStemmer::measureAboveOne));

    private PorterStemmer() {}

    /** The stem of a lower-case word. */
    public static String stem(String word) {
        String pinned = IRREGULAR.get(word);
        if (pinned != null) {
            return pinned;
        }
        if (word.length() <= 2) {
            return word;
        }
        String w = step1a(word);
        w = step1b(w);
        w = step1c(w);
        w = step2(w);
        w = applyRules(w, STEP3);
        w = applyRules(w, STEP4);
        w = step5a(w);
        return step5b(w);
    }

    // ---- the letter classes and the measure m of [C](VC)^m[V] ----

    private static boolean isConsonant(String w, int i) {
        char c = w.charAt(i);
        if (c == 'a' || c == 'e' || c == 'i' || c == 'o' || c == 'u') {
            return false;
        }
        if (c == 'y') {
            return i == 0 || !isConsonant(w, i - 1);
        }
        return true;
    }

    /** Number of vowel→consonant transitions. */
    static int measure(String stem) {
        int m = 0;
        for (int i = 1; i < stem.length(); i++) {
            if (!isConsonant(stem, i - 1) && isConsonant(stem, i)) {
                m++;
            }
        }
        return m;
    }

    private static boolean positiveMeasure(String stem) {
        return measure(stem) > 0;
    }

    private static boolean measureAboveOne(String stem) {
        return measure(stem) > 1;
    }

    private static boolean containsVowel(String stem) {
        for (int i = 0; i < stem.length(); i++) {
            if (!isConsonant(stem, i)) {
                return true;
            }
        }
        return false;
    }

    private static boolean endsDoubleConsonant(String w) {
        int n = w.length();
        return n >= 2 && w.charAt(n - 1) == w.charAt(n - 2) && isConsonant(w, n - 1);
    }

    /** *o: consonant-vowel-consonant, the last not w/x/y; NLTK also accepts a two-letter vowel-consonant word. */
    private static boolean endsCvc(String w) {
        int n = w.length();
        if (n >= 3 && isConsonant(w, n - 3) && !isConsonant(w, n - 2) && isConsonant(w, n - 1)) {
            char last = w.charAt(n - 1);
            if (last != 'w' && last != 'x' && last != 'y') {
                return true;
            }
        }
        return n == 2 && !isConsonant(w, 0) && isConsonant(w, 1);
    }

    /** The first rule whose suffix matches decides: it applies if its condition holds, else the word stays. */
    private static String applyRules(String word, List<Rule> rules) {
        String r = firstMatching(word, rules);
        return r == null ? word : r;
    }

    /** Like {@link #applyRules}, but null when no rule's suffix matches (so a caller can try more rules). */
    private static String firstMatching(String word, List<Rule> rules) {
        for (Rule rule : rules) {
            if (word.endsWith(rule.suffix())) {
                String stem = word.substring(0, word.length() - rule.suffix().length());
                return rule.condition() == null || rule.condition().test(stem) ? stem + rule.replacement() : word;
            }
        }
        return null;
    }

    private static String dropSuffix(String word, int n) {
        return word.substring(0, word.length() - n);
    }

    private static String step1a(String w) {
        if (w.endsWith("ies") && w.length() == 4) { // NLTK: 'dies' → 'die', not 'di'
            return dropSuffix(w, 3) + "ie";
        }
        if (w.endsWith("sses")) {
            return dropSuffix(w, 4) + "ss";
        }
        if (w.endsWith("ies")) {
            return dropSuffix(w, 3) + "i";
        }
        if (w.endsWith("ss")) {
            return w;
        }
        if (w.endsWith("s")) {
            return dropSuffix(w, 1);
        }
        return w;
    }

    private static String step1b(String w) {
        if (w.endsWith("ied")) { // NLTK: 'died' → 'die', 'spied' → 'spi'
            return dropSuffix(w, 3) + (w.length() == 4 ? "ie" : "i");
        }
        if (w.endsWith("eed")) {
            String stem = dropSuffix(w, 3);
            return measure(stem) > 0 ? stem + "ee" : w;
        }
        String stem = null;
        if (w.endsWith("ed") && containsVowel(dropSuffix(w, 2))) {
            stem = dropSuffix(w, 2);
        } else if (w.endsWith("ing") && containsVowel(dropSuffix(w, 3))) {
            stem = dropSuffix(w, 3);
        }
        if (stem == null) {
            return w;
        }
        String r = firstMatching(stem, STEP1B_ENDINGS);
        if (r != null) {
            return r;
        }
        // (*d and not (*L or *S or *Z)) → single letter; NLTK stops here even when the condition fails.
        if (endsDoubleConsonant(stem)) {
            char last = stem.charAt(stem.length() - 1);
            return last != 'l' && last != 's' && last != 'z' ? stem.substring(0, stem.length() - 1) : stem;
        }
        return measure(stem) == 1 && endsCvc(stem) ? stem + "e" : stem; // (m=1 and *o) → E
    }

    /** NLTK: y → i only after a consonant, and not when that consonant is the whole stem ('happy' → 'happi', 'by'). */
    private static String step1c(String w) {
        if (w.endsWith("y")) {
            String stem = dropSuffix(w, 1);
            return stem.length() > 1 && isConsonant(stem, stem.length() - 1) ? stem + "i" : w;
        }
        return w;
    }

    private static String step2(String w) {
        // NLTK applies alli → al first and, when it fires, runs step 2 again on the result.
        if (w.endsWith("alli") && positiveMeasure(dropSuffix(w, 4))) {
            return step2(dropSuffix(w, 4) + "al");
        }
        String r = firstMatching(w, STEP2);
        if (r != null) {
            return r;
        }
        // NLTK keeps the 'l' of 'logi' with the stem, so short stems like 'geo' qualify.
        if (w.endsWith("logi") && positiveMeasure(dropSuffix(w, 3))) {
            return dropSuffix(w, 1);
        }
        return w;
    }

    /** Drop a final e when m > 1, or m = 1 and the stem does not end consonant-vowel-consonant. */
    private static String step5a(String w) {
        if (w.endsWith("e")) {
            String stem = dropSuffix(w, 1);
            int m = measure(stem);
            if (m > 1 || (m == 1 && !endsCvc(stem))) {
                return stem;
            }
        }
        return w;
    }

    private static String step5b(String w) {
        if (w.endsWith("ll") && measure(dropSuffix(w, 1)) > 1) {
            return dropSuffix(w, 1);
        }
        return w;
    }
}
