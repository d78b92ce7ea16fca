package trl4j.eval.rouge;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * rouge_score's {@code tokenize.tokenize(text, stemmer)}: lower-case (full Unicode), every run of
 * characters outside ASCII {@code a-z0-9} is a separator, tokens longer than three characters are
 * Porter-stemmed when asked, empty tokens are dropped.
 *
 * <p>So non-ASCII letters split words ({@code café → caf}) and other scripts vanish; this is the
 * reference behaviour, kept on purpose so scores equal the Python package's.
 */
public final class RougeTokenizer {

    private RougeTokenizer() {}

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
                tokens.add(useStemmer && token.length() > 3 ? PorterStemmer.stem(token) : token);
                start = -1;
            }
        }
        return tokens;
    }

    private static boolean isAsciiAlphanumeric(char c) {
        return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
    }
}
