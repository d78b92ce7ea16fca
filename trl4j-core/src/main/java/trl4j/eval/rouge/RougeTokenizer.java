package trl4j.eval.rouge;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * rouge_score's {@code tokenize.tokenize(text, stemmer)}: lower-case (full Unicode), every run of
 * characters outside ASCII {@code a-z0-9} is a separator, tokens longer than three characters are
 * Porter-stemmed when asked, empty tokens are dropped.
 *
 * <p>So non-ASCII letters split words ({@code café → caf}) and other scripts vanish; this is the
 * reference behaviour, kept on purpose so scores equal the Python package's.
 */
public final class RougeTokenizer {

    /** Stems of words seen so far: texts repeat words, and stemming dominates tokenising time. */
    private static final Map<String, String> STEMS = new ConcurrentHashMap<>();
    /** Beyond this many distinct words the cache stops growing (memory stays bounded on any corpus). */
    private static final int STEM_CACHE_LIMIT = 1 << 18;

    private RougeTokenizer() {}

    private static String stem(String token) {
        String s = STEMS.get(token);
        if (s == null) {
            s = PorterStemmer.stem(token);
            if (STEMS.size() < STEM_CACHE_LIMIT) {
                STEMS.put(token, s);
            }
        }
        return s;
    }

    public static List<String> tokenize(String text, boolean useStemmer) {
        // Locale.ROOT: a Turkish default locale would lower-case 'I' to a dotless ı, which is then dropped.
        String lower = text.toLowerCase(Locale.ROOT);
        List<String> tokens = new ArrayList<>();
        int start = -1;
        for (int i = 0; i <= lower.length(); i++) {
            boolean word = i < lower.length() && isAsciiAlphanumeric(lower.charAt(i));
            if (word && start < 0) {
                start = i;
            } else if (!word && start >= 0) {
                String token = lower.substring(start, i);
                tokens.add(useStemmer && token.length() > 3 ? stem(token) : token);
                start = -1;
            }
        }
        return tokens;
    }

    private static boolean isAsciiAlphanumeric(char c) {
        return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
    }
}
