package trl4j.tokenizer;

import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.core.util.Separators;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * A trained byte-level BPE: tokens in id order (special tokens, the 256 byte tokens, then one per
 * merge) and the merges in rank order. {@link #save} writes the Hugging Face fast-tokenizer files
 * that {@link Tokenizer#load} (DJL's binding of the Rust library) and Python's {@code tokenizers} read.
 */
public record TrainedBpe(BpeTrainerConfig config, List<String> tokens, List<String> merges, Stats stats) {

    /** What training saw and how long it took. */
    public record Stats(long preTokens, int distinctWords, int merges, double seconds) {}

    private static final ObjectMapper JSON = new ObjectMapper();
    /** Two-space indent, "key": value, and "\n" on every platform, so the files are byte-identical everywhere. */
    private static final ObjectWriter WRITER = JSON.writer(new DefaultPrettyPrinter()
            .withObjectIndenter(new DefaultIndenter("  ", "\n"))
            .withArrayIndenter(new DefaultIndenter("  ", "\n"))
            .withSeparators(Separators.createDefaultInstance().withObjectFieldValueSpacing(Separators.Spacing.AFTER)));

    public TrainedBpe {
        tokens = List.copyOf(tokens);
        merges = List.copyOf(merges);
    }

    public int vocabSize() {
        return tokens.size();
    }

    /** Writes {@code tokenizer.json}, {@code tokenizer_config.json} and {@code special_tokens_map.json}. */
    public void save(Path dir) throws IOException {
        Files.createDirectories(dir);
        Files.write(dir.resolve("tokenizer.json"), bytes(tokenizerJson()));
        Files.write(dir.resolve("tokenizer_config.json"), bytes(tokenizerConfig()));
        Files.write(dir.resolve("special_tokens_map.json"), bytes(specialTokensMap()));
    }

    private static byte[] bytes(ObjectNode node) throws IOException {
        byte[] body = WRITER.writeValueAsBytes(node);
        byte[] out = java.util.Arrays.copyOf(body, body.length + 1);
        out[body.length] = '\n';
        return out;
    }

    ObjectNode tokenizerJson() {
        ObjectNode root = JSON.createObjectNode();
        root.put("version", "1.0");
        root.putNull("truncation");
        root.putNull("padding");
        ArrayNode added = root.putArray("added_tokens");
        List<String> specials = config.specialTokens();
        for (int id = 0; id < specials.size(); id++) {
            added.add(addedToken(id, specials.get(id)));
        }
        root.putNull("normalizer");
        root.set("pre_tokenizer", byteLevel(false, true));
        root.set("post_processor", byteLevel(true, false));
        root.set("decoder", byteLevel(true, true));
        ObjectNode model = root.putObject("model");
        model.put("type", "BPE");
        model.putNull("dropout");
        model.putNull("unk_token"); // every byte has a token: nothing is ever unknown
        model.putNull("continuing_subword_prefix");
        model.putNull("end_of_word_suffix");
        model.put("fuse_unk", false);
        model.put("byte_fallback", false);
        model.put("ignore_merges", false);
        ObjectNode vocab = model.putObject("vocab");
        for (int id = 0; id < tokens.size(); id++) {
            vocab.put(tokens.get(id), id);
        }
        ArrayNode m = model.putArray("merges");
        merges.forEach(m::add);
        return root;
    }

    private static ObjectNode addedToken(int id, String content) {
        ObjectNode t = JSON.createObjectNode();
        t.put("id", id);
        t.put("content", content);
        t.put("single_word", false);
        t.put("lstrip", false);
        t.put("rstrip", false);
        t.put("normalized", false);
        t.put("special", true);
        return t;
    }

    /** GPT-2's ByteLevel component settings (the prefix space is never added: add_prefix_space=false on input). */
    private static ObjectNode byteLevel(boolean addPrefixSpace, boolean trimOffsets) {
        ObjectNode n = JSON.createObjectNode();
        n.put("type", "ByteLevel");
        n.put("add_prefix_space", addPrefixSpace);
        n.put("trim_offsets", trimOffsets);
        n.put("use_regex", true);
        return n;
    }

    ObjectNode tokenizerConfig() {
        ObjectNode c = JSON.createObjectNode();
        c.put("tokenizer_class", "PreTrainedTokenizerFast");
        c.put("add_prefix_space", false);
        c.put("clean_up_tokenization_spaces", false);
        putSpecials(c);
        ObjectNode decoder = c.putObject("added_tokens_decoder");
        List<String> specials = config.specialTokens();
        for (int id = 0; id < specials.size(); id++) {
            ObjectNode t = addedToken(id, specials.get(id));
            t.remove("id");
            decoder.set(Integer.toString(id), t);
        }
        return c;
    }

    ObjectNode specialTokensMap() {
        ObjectNode m = JSON.createObjectNode();
        putSpecials(m);
        return m;
    }

    private void putSpecials(ObjectNode n) {
        if (config.bosToken() != null) {
            n.put("bos_token", config.bosToken());
        }
        n.put("eos_token", config.eosToken());
        n.put("pad_token", config.padToken());
        n.put("unk_token", config.unkToken());
        if (!config.extraSpecialTokens().isEmpty()) {
            ArrayNode extra = n.putArray("additional_special_tokens");
            config.extraSpecialTokens().forEach(extra::add);
        }
    }
}
