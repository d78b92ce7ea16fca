package trl4j.tokenizer;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Settings of {@link BpeTrainer}: the vocabulary size (special tokens and the 256 byte tokens
 * included), the special tokens by role (bos may be null) plus any extra ones, and the minimum count a
 * pair needs to be merged.
 */
public record BpeTrainerConfig(int vocabSize, String padToken, String eosToken, String unkToken, String bosToken,
        List<String> extraSpecialTokens, int minFrequency) {

    public static final int DEFAULT_VOCAB_SIZE = 8192;
    public static final int BYTE_TOKENS = 256;

    public BpeTrainerConfig {
        extraSpecialTokens = List.copyOf(extraSpecialTokens);
        for (String[] role : new String[][] {{"pad", padToken}, {"eos", eosToken}, {"unk", unkToken}}) {
            if (role[1] == null || role[1].isBlank()) {
                throw new IllegalArgumentException(role[0] + " token must be given");
            }
        }
        if (bosToken != null && bosToken.isBlank()) {
            throw new IllegalArgumentException("bos token must be null or non-blank");
        }
        if (minFrequency < 1) {
            throw new IllegalArgumentException("min frequency must be >= 1, got " + minFrequency);
        }
        List<String> specials = specialTokensOf(padToken, eosToken, unkToken, bosToken, extraSpecialTokens);
        if (vocabSize < specials.size() + BYTE_TOKENS) {
            throw new IllegalArgumentException("vocab size " + vocabSize + " is below the " + specials.size()
                    + " special + " + BYTE_TOKENS + " byte tokens");
        }
    }

    /** {@code <pad>}, {@code <eos>}, {@code <unk>}, vocab 8192, pairs seen at least twice. */
    public static BpeTrainerConfig defaults() {
        return new BpeTrainerConfig(DEFAULT_VOCAB_SIZE, "<pad>", "<eos>", "<unk>", null, List.of(), 2);
    }

    public BpeTrainerConfig withVocabSize(int size) {
        return new BpeTrainerConfig(size, padToken, eosToken, unkToken, bosToken, extraSpecialTokens, minFrequency);
    }

    /** The special tokens in id order (pad, eos, unk, bos, extras), each once. */
    public List<String> specialTokens() {
        return specialTokensOf(padToken, eosToken, unkToken, bosToken, extraSpecialTokens);
    }

    private static List<String> specialTokensOf(String pad, String eos, String unk, String bos, List<String> extra) {
        List<String> all = new ArrayList<>(List.of(pad, eos, unk));
        if (bos != null) {
            all.add(bos);
        }
        all.addAll(extra);
        Set<String> seen = new HashSet<>();
        List<String> out = new ArrayList<>();
        for (String t : all) {
            if (t.isBlank()) {
                throw new IllegalArgumentException("special tokens must be non-blank");
            }
            if (seen.add(t)) {
                out.add(t);
            }
        }
        return out;
    }
}
