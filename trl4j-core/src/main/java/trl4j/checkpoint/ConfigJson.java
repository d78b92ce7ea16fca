package trl4j.checkpoint;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * A Hugging Face {@code config.json} (or {@code generation_config.json}) read strictly: typed getters
 * name the file and key in every error, every key read is remembered, and {@link #rejectUnread}
 * refuses any key that neither the architecture nor the list of harmless generic keys accounts for.
 * An option we do not implement is never silently ignored.
 */
public final class ConfigJson {

    static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    /**
     * Keys of {@code PretrainedConfig} that do not change a model's computation (bookkeeping,
     * generation defaults kept for old checkpoints, training-time switches). Keys that would change it
     * (pruned_heads, tie_encoder_decoder, add_cross_attention, ...) are not here: an architecture must
     * read and check them.
     */
    public static final Set<String> GENERIC_KEYS = Set.of(
            "architectures", "model_type", "transformers_version", "torch_dtype", "_name_or_path",
            "_commit_hash", "_attn_implementation", "attn_implementation", "use_cache", "return_dict",
            "output_hidden_states", "output_attentions", "torchscript", "use_bfloat16", "tf_legacy_loss",
            "chunk_size_feed_forward", "finetuning_task", "id2label", "label2id", "num_labels",
            "problem_type", "tokenizer_class", "prefix", "task_specific_params", "bos_token_id",
            "eos_token_id", "pad_token_id", "sep_token_id", "decoder_start_token_id", "max_length",
            "min_length", "do_sample", "early_stopping", "num_beams", "num_beam_groups",
            "diversity_penalty", "temperature", "top_k", "top_p", "typical_p", "repetition_penalty",
            "length_penalty", "no_repeat_ngram_size", "encoder_no_repeat_ngram_size", "bad_words_ids",
            "num_return_sequences", "output_scores", "return_dict_in_generate", "forced_bos_token_id",
            "forced_eos_token_id", "remove_invalid_values", "exponential_decay_length_penalty",
            "suppress_tokens", "begin_suppress_tokens", "initializer_range", "initializer_factor",
            "gradient_checkpointing", "is_decoder", "is_encoder_decoder", "cross_attention_hidden_size",
            "pretraining_tp", "trl4j");

    private final Path file;
    private final ObjectNode root;
    private final Set<String> read = new LinkedHashSet<>();

    private ConfigJson(Path file, ObjectNode root) {
        this.file = file;
        this.root = root;
    }

    /** Reads a JSON object file; a missing file or malformed JSON is a one-line error naming it. */
    public static ConfigJson read(Path file) {
        String text;
        try {
            text = Files.readString(file);
        } catch (NoSuchFileException e) {
            throw new CheckpointException(file + ": no such file");
        } catch (IOException e) {
            throw new CheckpointException(file + ": cannot read (" + e.getMessage() + ")", e);
        }
        JsonNode node;
        try {
            node = JSON.readTree(text);
        } catch (JsonProcessingException e) {
            throw new CheckpointException(file + ": not valid JSON (line " + e.getLocation().getLineNr()
                    + ": " + e.getOriginalMessage() + ")");
        }
        if (node == null || !node.isObject()) {
            throw new CheckpointException(file + ": expected a JSON object");
        }
        return new ConfigJson(file, (ObjectNode) node);
    }

    /** Wraps an in-memory object (for configs we build ourselves). */
    public static ConfigJson of(Path nominalFile, ObjectNode root) {
        return new ConfigJson(nominalFile, root);
    }

    public Path file() {
        return file;
    }

    /** The underlying JSON (a copy; the original keys of the file are kept when we save). */
    public ObjectNode json() {
        return root.deepCopy();
    }

    public boolean has(String key) {
        JsonNode n = root.get(key);
        return n != null && !n.isNull();
    }

    private JsonNode node(String key) {
        read.add(key);
        JsonNode n = root.get(key);
        return n == null || n.isNull() ? null : n;
    }

    private CheckpointException wrongType(String key, String expected, JsonNode n) {
        return new CheckpointException(file + ": key '" + key + "' must be " + expected + ", got " + n);
    }

    public int getInt(String key, int defaultValue) {
        Integer v = getIntOrNull(key);
        return v == null ? defaultValue : v;
    }

    public int requireInt(String key) {
        Integer v = getIntOrNull(key);
        if (v == null) {
            throw new CheckpointException(file + ": missing required key '" + key + "'");
        }
        return v;
    }

    public Integer getIntOrNull(String key) {
        JsonNode n = node(key);
        if (n == null) {
            return null;
        }
        if (!n.isIntegralNumber() || !n.canConvertToInt()) {
            throw wrongType(key, "an integer", n);
        }
        return n.asInt();
    }

    /** An int that may also be a list (HF allows eos_token_id: [1, 2]); returns the ids. */
    public List<Integer> getIntList(String key) {
        JsonNode n = node(key);
        List<Integer> out = new ArrayList<>();
        if (n == null) {
            return out;
        }
        if (n.isIntegralNumber()) {
            out.add(n.asInt());
            return out;
        }
        if (n.isArray()) {
            for (JsonNode e : n) {
                if (!e.isIntegralNumber()) {
                    throw wrongType(key, "an integer or a list of integers", n);
                }
                out.add(e.asInt());
            }
            return out;
        }
        throw wrongType(key, "an integer or a list of integers", n);
    }

    public double getDouble(String key, double defaultValue) {
        JsonNode n = node(key);
        if (n == null) {
            return defaultValue;
        }
        if (!n.isNumber()) {
            throw wrongType(key, "a number", n);
        }
        return n.asDouble();
    }

    public boolean getBoolean(String key, boolean defaultValue) {
        JsonNode n = node(key);
        if (n == null) {
            return defaultValue;
        }
        if (!n.isBoolean()) {
            throw wrongType(key, "true or false", n);
        }
        return n.asBoolean();
    }

    public String getString(String key, String defaultValue) {
        JsonNode n = node(key);
        if (n == null) {
            return defaultValue;
        }
        if (!n.isTextual()) {
            throw wrongType(key, "a string", n);
        }
        return n.asText();
    }

    /** Reads a key as raw JSON (marks it read). */
    public JsonNode getNode(String key) {
        return node(key);
    }

    public List<String> getStrings(String key) {
        JsonNode n = node(key);
        List<String> out = new ArrayList<>();
        if (n == null) {
            return out;
        }
        if (!n.isArray()) {
            throw wrongType(key, "a list of strings", n);
        }
        n.forEach(e -> out.add(e.asText()));
        return out;
    }

    /** Fails unless {@code key} is absent or equal to the one value we implement. */
    public void requireDefault(String key, Object supported) {
        JsonNode n = node(key);
        if (n == null) {
            return;
        }
        boolean ok;
        if (supported instanceof Boolean b) {
            ok = n.isBoolean() && n.asBoolean() == b;
        } else if (supported instanceof Integer i) {
            ok = n.isIntegralNumber() && n.asInt() == i;
        } else if (supported instanceof String str) {
            ok = n.isTextual() && n.asText().equals(str);
        } else {
            throw new IllegalArgumentException(String.valueOf(supported));
        }
        if (!ok) {
            throw unsupported(key, n.toString(), "only " + supported + " is supported");
        }
    }

    /** The exception for a config option trl4j does not implement. */
    public CheckpointException unsupported(String key, String value, String why) {
        return new CheckpointException(file + ": unsupported config option '" + key + "' = " + value + " (" + why + ")");
    }

    /**
     * Fails on the first key that was neither read by the architecture nor listed as generic or in
     * {@code alsoAllowed}. The error names the key.
     */
    public void rejectUnread(Set<String> alsoAllowed) {
        for (Iterator<String> it = root.fieldNames(); it.hasNext(); ) {
            String key = it.next();
            if (!read.contains(key) && !GENERIC_KEYS.contains(key) && !alsoAllowed.contains(key)) {
                throw new CheckpointException(file + ": unsupported config key '" + key + "' = "
                        + root.get(key) + " (trl4j does not implement it; remove it if it has no effect)");
            }
        }
    }

    /** Serialises a JSON object as Hugging Face does: keys sorted, 2-space indent, trailing newline. */
    public static String toHfJson(ObjectNode node) {
        try {
            return JSON.writer(new HfPrettyPrinter()).writeValueAsString(sortKeys(node)) + "\n";
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static JsonNode sortKeys(JsonNode node) {
        if (node.isObject()) {
            Map<String, JsonNode> sorted = new TreeMap<>();
            node.fields().forEachRemaining(e -> sorted.put(e.getKey(), sortKeys(e.getValue())));
            ObjectNode out = JSON.createObjectNode();
            sorted.forEach(out::set);
            return out;
        }
        if (node.isArray()) {
            com.fasterxml.jackson.databind.node.ArrayNode out = JSON.createArrayNode();
            node.forEach(e -> out.add(sortKeys(e)));
            return out;
        }
        if (node.isFloatingPointNumber()) {
            return JSON.getNodeFactory().rawValueNode(new com.fasterxml.jackson.databind.util.RawValue(pythonFloat(node.asDouble())));
        }
        return node;
    }

    /**
     * A double as Python's {@code repr} (and so {@code json.dumps}) writes it: shortest digits,
     * scientific notation below 1e-4 and from 1e16 with a two-digit signed exponent ("1e-06"), a
     * trailing ".0" on integral values. Keeps our config.json byte-comparable with transformers'.
     */
    public static String pythonFloat(double d) {
        if (Double.isNaN(d)) {
            return "NaN";
        }
        if (Double.isInfinite(d)) {
            return d > 0 ? "Infinity" : "-Infinity";
        }
        if (d == 0) {
            return (1 / d < 0) ? "-0.0" : "0.0";
        }
        java.math.BigDecimal bd = new java.math.BigDecimal(Double.toString(d)).stripTrailingZeros();
        String digits = bd.unscaledValue().abs().toString();
        int exponent = digits.length() - 1 - bd.scale();
        String sign = d < 0 ? "-" : "";
        if (exponent >= -4 && exponent < 16) {
            String plain = bd.abs().toPlainString();
            return sign + (plain.contains(".") ? plain : plain + ".0");
        }
        String mantissa = digits.length() > 1 ? digits.charAt(0) + "." + digits.substring(1) : digits;
        return sign + mantissa + "e" + (exponent < 0 ? "-" : "+") + (Math.abs(exponent) < 10 ? "0" : "") + Math.abs(exponent);
    }

    /** Python's json.dumps(indent=2): "key": value, two-space indent, arrays one item a line. */
    static final class HfPrettyPrinter extends com.fasterxml.jackson.core.util.DefaultPrettyPrinter {
        private static final long serialVersionUID = 1L;

        HfPrettyPrinter() {
            com.fasterxml.jackson.core.util.DefaultIndenter indenter =
                    new com.fasterxml.jackson.core.util.DefaultIndenter("  ", "\n");
            indentObjectsWith(indenter);
            indentArraysWith(indenter);
            _objectFieldValueSeparatorWithSpaces = ": ";
        }

        @Override
        public HfPrettyPrinter createInstance() {
            return new HfPrettyPrinter();
        }

        @Override
        public void writeEndObject(com.fasterxml.jackson.core.JsonGenerator g, int nrOfEntries) throws IOException {
            if (!_objectIndenter.isInline()) {
                --_nesting;
            }
            if (nrOfEntries > 0) {
                _objectIndenter.writeIndentation(g, _nesting);
            }
            g.writeRaw('}');
        }

        @Override
        public void writeEndArray(com.fasterxml.jackson.core.JsonGenerator g, int nrOfValues) throws IOException {
            if (!_arrayIndenter.isInline()) {
                --_nesting;
            }
            if (nrOfValues > 0) {
                _arrayIndenter.writeIndentation(g, _nesting);
            }
            g.writeRaw(']');
        }
    }
}
