package trl4j.eval.rouge;

import java.util.Arrays;
import java.util.stream.Collectors;

/** The ROUGE variants, named as in rouge_score and Hugging Face {@code evaluate}. */
public enum RougeType {
    ROUGE1("rouge1"),
    ROUGE2("rouge2"),
    /** Longest common subsequence over the whole text (newlines make no difference). */
    ROUGE_L("rougeL"),
    /** Summary-level LCS over sentences separated by {@code "\n"}. */
    ROUGE_LSUM("rougeLsum");

    private final String key;

    RougeType(String key) {
        this.key = key;
    }

    /** The name used in rouge_score's result dictionaries. */
    public String key() {
        return key;
    }

    public static RougeType fromKey(String key) {
        for (RougeType t : values()) {
            if (t.key.equals(key)) {
                return t;
            }
        }
        throw new IllegalArgumentException("unknown ROUGE type '" + key + "' (expected one of "
                + Arrays.stream(values()).map(RougeType::key).collect(Collectors.joining(", ")) + ")");
    }
}
