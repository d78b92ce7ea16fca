package trl4j.train.ppo;

import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import trl4j.data.PromptReferences;
import trl4j.model.LanguageModel;
import trl4j.model.RewardFunction;
import trl4j.model.gpt2.Gpt2Config;
import trl4j.model.registry.Models;
import trl4j.model.t5.T5Config;

/**
 * A toy world for PPO tests: a word-level tokenizer ({@code <pad>} 0, {@code </s>} 1, {@code <unk>} 2,
 * {@code TL;DR:} 3, {@code good} 4, then w5, w6, …), tiny randomly initialised GPT-2 and T5 policies over it,
 * prompts of random words ending with "TL;DR:", and a reward for saying "good".
 */
final class TinyPpo {

    static final int GOOD = 4;

    private TinyPpo() {}

    static String word(int id) {
        return switch (id) {
            case 0 -> "<pad>";
            case 1 -> "</s>";
            case 2 -> "<unk>";
            case 3 -> "TL;DR:";
            case GOOD -> "good";
            default -> "w" + id;
        };
    }

    /** Writes tokenizer.json (WordLevel, whitespace split) and tokenizer_config.json into {@code dir}. */
    static Path tokenizer(Path dir, int vocab) {
        ObjectMapper json = new ObjectMapper();
        ObjectNode root = json.createObjectNode();
        root.put("version", "1.0");
        root.putNull("truncation");
        root.putNull("padding");
        ArrayNode added = root.putArray("added_tokens");
        for (int id = 0; id < 3; id++) {
            ObjectNode t = added.addObject();
            t.put("id", id).put("content", word(id)).put("single_word", false).put("lstrip", false).put("rstrip", false)
                    .put("normalized", false).put("special", true);
        }
        root.putNull("normalizer");
        root.putObject("pre_tokenizer").put("type", "WhitespaceSplit");
        root.putNull("post_processor");
        root.putNull("decoder");
        ObjectNode model = root.putObject("model");
        model.put("type", "WordLevel");
        ObjectNode v = model.putObject("vocab");
        for (int id = 0; id < vocab; id++) {
            v.put(word(id), id);
        }
        model.put("unk_token", "<unk>");
        try {
            Files.createDirectories(dir);
            Files.writeString(dir.resolve("tokenizer.json"), json.writeValueAsString(root));
            Files.writeString(dir.resolve("tokenizer_config.json"),
                    "{\"eos_token\": \"</s>\", \"pad_token\": \"<pad>\", \"unk_token\": \"<unk>\"}");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return dir;
    }

    /** A GPT-2 of width 32, 2 layers, 4 heads, EOS 1, pad 0. */
    static LanguageModel gpt2(NDManager manager, int vocab, double initRange, long seed) {
        Gpt2Config base = Gpt2Config.of(vocab, 64, 32, 2, 4, 1, 1, 0);
        Gpt2Config c = new Gpt2Config(base.vocabSize(), base.nPositions(), base.nEmbd(), base.nLayer(), base.nHead(), base.nInner(),
                base.activationFunction(), base.layerNormEpsilon(), initRange, base.scaleAttnWeights(), 0.0, 0.0, 0.0,
                base.bosTokenId(), base.eosTokenIds(), base.padTokenId(), null);
        return Models.initialize(c, manager, seed);
    }

    /** A T5 (v1.0: relu, tied) of width 32, 2 + 2 layers, 4 heads; pad 0 = decoder start, EOS 1. */
    static LanguageModel t5(NDManager manager, int vocab, long seed) {
        return Models.initialize(T5Config.of(vocab, 32, 8, 64, 2, 4, "relu", true), manager, seed);
    }

    /** Prompts of 2–6 random words (never special, never "good") and "TL;DR:", each with a reference. */
    static List<PromptReferences> prompts(int n, int vocab, long seed) {
        Random r = new Random(seed);
        List<PromptReferences> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            StringBuilder p = new StringBuilder();
            int words = 2 + r.nextInt(5);
            for (int w = 0; w < words; w++) {
                p.append(word(5 + r.nextInt(vocab - 5))).append(' ');
            }
            out.add(new PromptReferences(p.append("TL;DR:").toString(), List.of(word(5 + r.nextInt(vocab - 5)))));
        }
        return out;
    }

    /** The share of response words that are "good" (0 for an empty response). */
    static final RewardFunction GOOD_WORDS = (prompts, responses) -> responses.stream().mapToDouble(text -> {
        String[] words = text.isBlank() ? new String[0] : text.strip().split("\\s+");
        long good = java.util.Arrays.stream(words).filter("good"::equals).count();
        return words.length == 0 ? 0 : (double) good / words.length;
    }).toArray();
}
