package trl4j.model.registry;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import trl4j.model.ModelConfig;
import trl4j.model.gpt2.Gpt2Config;
import trl4j.model.llama.LlamaConfig;
import trl4j.model.t5.T5Config;

/**
 * Named model shapes for training from scratch, written {@code preset:NAME} where a model folder is
 * expected ({@code model_name_or_path: preset:tiny-t5}). A preset fixes the architecture and size;
 * the vocabulary and special-token ids come from the tokenizer the model is trained with. Weights are
 * initialised as Hugging Face's {@code _init_weights} does ({@link Models#initialize}).
 *
 * <table>
 * <caption>presets</caption>
 * <tr><th>name</th><th>shape</th><th>use</th></tr>
 * <tr><td>tiny-gpt2</td><td>GPT-2, 4 × 256, 4 heads, 512 positions</td><td>SFT from scratch on 2 cores</td></tr>
 * <tr><td>tiny-t5</td><td>T5 v1.0, 4 + 4 layers, d_model 256, 4 heads × 64, d_ff 1024</td><td>SFT from scratch on 2 cores</td></tr>
 * <tr><td>tiny-llama</td><td>Llama, 4 × 256, 4 heads, SwiGLU 688, RoPE, tied embeddings, no dropout</td><td>SFT from scratch on 2 cores</td></tr>
 * <tr><td>micro-gpt2, micro-t5</td><td>2 layers, width 64</td><td>tests, smoke runs</td></tr>
 * <tr><td>gpt2-bench</td><td>GPT-2, 6 × 512, 8 heads, 512 positions</td><td>DESIGN.md's benchmark shape</td></tr>
 * <tr><td>t5-small</td><td>T5 v1.0, 6 + 6 layers, d_model 512, 8 heads, d_ff 2048 (the shape of {@code t5-small})</td><td>benchmarks</td></tr>
 * </table>
 */
public final class Presets {

    /** The prefix that marks a preset where a model path is expected. */
    public static final String PREFIX = "preset:";

    /** Special-token ids a preset takes from its tokenizer. */
    public record Vocabulary(int size, int padId, int eosId, Integer bosId) {
        public Vocabulary {
            if (size < 2 || padId < 0 || padId >= size || eosId < 0 || eosId >= size || (bosId != null && (bosId < 0 || bosId >= size))) {
                throw new IllegalArgumentException("preset vocabulary: ids must lie in [0, " + size + "), got pad " + padId
                        + ", eos " + eosId + ", bos " + bosId);
            }
        }
    }

    private interface Shape {
        ModelConfig config(Vocabulary v);
    }

    private static final Map<String, Shape> SHAPES = new LinkedHashMap<>();
    private static final Map<String, String> DESCRIPTIONS = new LinkedHashMap<>();

    static {
        gpt2("tiny-gpt2", 512, 256, 4, 4, "GPT-2 4x256, 4 heads, 512 positions (SFT from scratch on 2 cores)");
        t5("tiny-t5", 256, 64, 1024, 4, 4, "T5 v1.0 4+4 layers, d_model 256, 4 heads x 64, d_ff 1024 (SFT from scratch on 2 cores)");
        llama("tiny-llama", 512, 256, 688, 4, 4, "Llama 4x256, 4 heads, SwiGLU 688, RoPE, tied embeddings (SFT from scratch on 2 cores)");
        gpt2("micro-gpt2", 256, 64, 2, 2, "GPT-2 2x64, 2 heads (tests)");
        t5("micro-t5", 64, 32, 128, 2, 2, "T5 v1.0 2+2 layers, d_model 64, 2 heads x 32, d_ff 128 (tests)");
        gpt2("gpt2-bench", 512, 512, 6, 8, "GPT-2 6x512, 8 heads, 512 positions (DESIGN.md benchmark shape)");
        t5("t5-small", 512, 64, 2048, 6, 8, "T5 v1.0 6+6 layers, d_model 512, 8 heads x 64, d_ff 2048 (the t5-small shape)");
    }

    private Presets() {}

    private static void gpt2(String name, int positions, int width, int layers, int heads, String description) {
        SHAPES.put(name, v -> {
            int bos = v.bosId() != null ? v.bosId() : v.eosId(); // GPT-2 uses its EOS as BOS
            return Gpt2Config.of(v.size(), positions, width, layers, heads, bos, v.eosId(), v.padId());
        });
        DESCRIPTIONS.put(name, description);
    }

    private static void llama(String name, int positions, int width, int ffn, int layers, int heads, String description) {
        SHAPES.put(name, v -> {
            int bos = v.bosId() != null ? v.bosId() : v.eosId();
            return LlamaConfig.llama(v.size(), width, ffn, layers, heads, heads, positions, true, bos, v.eosId(), v.padId());
        });
        DESCRIPTIONS.put(name, description);
    }

    private static void t5(String name, int dModel, int dKv, int dFf, int layers, int heads, String description) {
        SHAPES.put(name, v -> {
            T5Config c = T5Config.of(v.size(), dModel, dKv, dFf, layers, heads, "relu", true);
            // T5 starts decoding from its pad id; take both from the tokenizer.
            return new T5Config(c.vocabSize(), c.dModel(), c.dKv(), c.dFf(), c.numLayers(), c.numDecoderLayers(), c.numHeads(),
                    c.relativeAttentionNumBuckets(), c.relativeAttentionMaxDistance(), c.dropoutRate(), c.layerNormEpsilon(),
                    c.initializerFactor(), c.feedForwardProj(), c.denseActFn(), c.isGatedAct(), c.tieWordEmbeddings(),
                    v.padId(), v.padId(), List.of(v.eosId()), null);
        });
        DESCRIPTIONS.put(name, description);
    }

    /** Whether a model path names a preset ({@code preset:NAME}). */
    public static boolean isPreset(String modelPath) {
        return modelPath != null && modelPath.startsWith(PREFIX);
    }

    /** Preset names, in the order documented. */
    public static List<String> names() {
        return List.copyOf(SHAPES.keySet());
    }

    /** One line per preset: name and shape. */
    public static Map<String, String> descriptions() {
        return Map.copyOf(DESCRIPTIONS);
    }

    /**
     * The config of a preset for a vocabulary.
     *
     * @param name a preset name, with or without the {@code preset:} prefix
     */
    public static ModelConfig config(String name, Vocabulary vocabulary) {
        String bare = name.startsWith(PREFIX) ? name.substring(PREFIX.length()) : name;
        Shape shape = SHAPES.get(bare.toLowerCase(Locale.ROOT));
        if (shape == null) {
            String near = names().stream().filter(n -> n.contains(bare) || bare.contains(n)).findFirst()
                    .map(n -> " (did you mean '" + PREFIX + n + "'?)").orElse("");
            throw new IllegalArgumentException("unknown model preset '" + name + "'" + near + "; presets: "
                    + String.join(", ", names().stream().map(n -> PREFIX + n).toList()));
        }
        return shape.config(vocabulary);
    }

    /** Whether a preset is an encoder–decoder. */
    public static boolean isSeq2Seq(String name, Vocabulary vocabulary) {
        return config(name, vocabulary).modelType().equals("t5");
    }
}
