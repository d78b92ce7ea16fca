package trl4j.tokenizer;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import trl4j.checkpoint.CheckpointException;

/**
 * A Hugging Face fast tokenizer ({@code tokenizer.json}) through DJL's binding of the Rust
 * {@code tokenizers} library, with the special tokens of {@code tokenizer_config.json} /
 * {@code special_tokens_map.json}.
 *
 * <p>Never truncates: DJL's default cuts every input at 512 tokens, silently; we turn truncation off
 * and let callers truncate explicitly (with their {@code truncation_side}).
 */
public final class Tokenizer implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final HuggingFaceTokenizer hf;
    private final Map<String, Integer> vocab;
    private final Map<Integer, String> idToToken;
    private final Map<Integer, Boolean> special;
    private final int vocabSize;
    private final SpecialTokens specialTokens;
    private final Path dir;
    private final long[] templatePrefix;
    private final long[] templateSuffix;

    private Tokenizer(Path dir, HuggingFaceTokenizer hf, Map<String, Integer> vocab, Map<Integer, Boolean> special,
            SpecialTokens specialTokens) {
        this.dir = dir;
        this.hf = hf;
        this.vocab = vocab;
        this.special = special;
        this.specialTokens = specialTokens;
        Map<Integer, String> inverse = new HashMap<>();
        vocab.forEach((t, i) -> inverse.put(i, t));
        this.idToToken = inverse;
        this.vocabSize = vocab.values().stream().mapToInt(Integer::intValue).max().orElse(-1) + 1;
        // The template's special tokens, found by encoding a probe text with and without it.
        long[] plain = encode("template probe", false);
        long[] with = encode("template probe", true);
        int at = indexOf(with, plain);
        this.templatePrefix = at < 0 ? new long[0] : Arrays.copyOfRange(with, 0, at);
        this.templateSuffix = at < 0 ? new long[0] : Arrays.copyOfRange(with, at + plain.length, with.length);
    }

    /** The special tokens a model folder declares (null where it declares none). */
    public record SpecialTokens(String bos, String eos, String pad, String unk, String paddingSide, String truncationSide) {}

    /** Loads {@code tokenizer.json} (and the special-token files, when present) from a folder. */
    public static Tokenizer load(Path dir) {
        Path file = dir.resolve("tokenizer.json");
        if (!Files.isRegularFile(file)) {
            throw new CheckpointException(dir + ": no tokenizer.json (trl4j reads Hugging Face fast tokenizers)");
        }
        JsonNode root;
        try {
            root = JSON.readTree(file.toFile());
        } catch (IOException e) {
            throw new CheckpointException(file + ": not valid JSON (" + e.getMessage() + ")", e);
        }
        Map<String, Integer> vocab = new HashMap<>();
        Map<Integer, Boolean> special = new HashMap<>();
        JsonNode model = root.path("model");
        JsonNode v = model.path("vocab");
        if (v.isObject()) { // BPE, WordPiece, WordLevel: token → id
            v.fields().forEachRemaining(e -> vocab.put(e.getKey(), e.getValue().asInt()));
        } else if (v.isArray()) { // Unigram (SentencePiece, e.g. T5): [token, score] in id order
            for (int i = 0; i < v.size(); i++) {
                vocab.put(v.get(i).get(0).asText(), i);
            }
        } else {
            throw new CheckpointException(file + ": no model.vocab");
        }
        for (JsonNode added : root.path("added_tokens")) {
            vocab.put(added.path("content").asText(), added.path("id").asInt());
            special.put(added.path("id").asInt(), added.path("special").asBoolean(false));
        }
        SpecialTokens specials = readSpecialTokens(dir);
        HuggingFaceTokenizer hf;
        try {
            hf = HuggingFaceTokenizer.builder()
                    .optTokenizerPath(dir)
                    .optTruncation(false)
                    .optPadding(false)
                    .optAddSpecialTokens(true)
                    .build();
        } catch (IOException | RuntimeException e) {
            throw new CheckpointException(file + ": cannot load tokenizer (" + e.getMessage() + ")", e);
        }
        return new Tokenizer(dir, hf, Collections.unmodifiableMap(vocab), special, specials);
    }

    private static SpecialTokens readSpecialTokens(Path dir) {
        String bos = null, eos = null, pad = null, unk = null, paddingSide = null, truncationSide = null;
        for (String name : List.of("special_tokens_map.json", "tokenizer_config.json")) {
            Path p = dir.resolve(name);
            if (!Files.isRegularFile(p)) {
                continue;
            }
            JsonNode n;
            try {
                n = JSON.readTree(p.toFile());
            } catch (IOException e) {
                throw new CheckpointException(p + ": not valid JSON (" + e.getMessage() + ")", e);
            }
            bos = tokenText(n.get("bos_token"), bos);
            eos = tokenText(n.get("eos_token"), eos);
            pad = tokenText(n.get("pad_token"), pad);
            unk = tokenText(n.get("unk_token"), unk);
            if (n.hasNonNull("padding_side")) {
                paddingSide = n.get("padding_side").asText();
            }
            if (n.hasNonNull("truncation_side")) {
                truncationSide = n.get("truncation_side").asText();
            }
        }
        return new SpecialTokens(bos, eos, pad, unk, paddingSide, truncationSide);
    }

    /** A special token is either a string or an AddedToken object {"content": ...}. */
    private static String tokenText(JsonNode n, String fallback) {
        if (n == null || n.isNull()) {
            return fallback;
        }
        if (n.isTextual()) {
            return n.asText();
        }
        return n.path("content").asText(fallback);
    }

    /** Token ids of a text, with the tokenizer's post-processor (e.g. T5's {@code </s>}; nothing for GPT-2). */
    public long[] encode(String text) {
        return hf.encode(text, true, false).getIds();
    }

    /** Token ids of a text; {@code addSpecialTokens=false} skips the post-processor's template tokens. */
    public long[] encode(String text, boolean addSpecialTokens) {
        return hf.encode(text, addSpecialTokens, false).getIds();
    }

    /**
     * The ids the post-processor puts before a text (Llama's {@code <s>}; nothing for GPT-2, Qwen2 or T5):
     * what {@code tokenizer(text)} in transformers adds at the start, and so what TRL's trainers feed a
     * causal model before each prompt.
     */
    public long[] templatePrefix() {
        return templatePrefix.clone();
    }

    /** The ids the post-processor puts after a text (T5's {@code </s>}; nothing for GPT-2 or Llama). */
    public long[] templateSuffix() {
        return templateSuffix.clone();
    }

    private static int indexOf(long[] haystack, long[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    /** Encodes many texts at once (parallel in the Rust library). */
    public long[][] encodeBatch(List<String> texts, boolean addSpecialTokens) {
        var encodings = hf.batchEncode(texts, addSpecialTokens, false);
        long[][] out = new long[encodings.length][];
        for (int i = 0; i < encodings.length; i++) {
            out[i] = encodings[i].getIds();
        }
        return out;
    }

    /** Plain decode, no clean-up of spaces (as {@code decode(ids, clean_up_tokenization_spaces=False)}). */
    public String decode(long[] ids, boolean skipSpecialTokens) {
        return hf.decode(ids, skipSpecialTokens);
    }

    /** Id of a token string, or null. */
    public Integer tokenId(String token) {
        return token == null ? null : vocab.get(token);
    }

    public String tokenText(int id) {
        return idToToken.get(id);
    }

    public boolean isSpecial(int id) {
        return special.getOrDefault(id, false);
    }

    /** Number of ids (largest id + 1, added tokens included). */
    public int vocabSize() {
        return vocabSize;
    }

    public SpecialTokens specialTokens() {
        return specialTokens;
    }

    public Integer eosId() {
        return tokenId(specialTokens.eos());
    }

    public Integer bosId() {
        return tokenId(specialTokens.bos());
    }

    public Integer padId() {
        return tokenId(specialTokens.pad());
    }

    public Integer unkId() {
        return tokenId(specialTokens.unk());
    }

    /** Folder the tokenizer was loaded from (its files are copied when a model is saved). */
    public Path dir() {
        return dir;
    }

    @Override
    public void close() {
        hf.close();
    }
}
