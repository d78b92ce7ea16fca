package trl4j.config;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Every key a stage's config may contain: the canonical (TRL / Hugging Face) names of the shared
 * sections and of the stage's method record, the method's aliases, and the Hugging Face keys that
 * are accepted but have no effect here (or must keep their default). Turns a flat-layout key and
 * value into canonical {@link Setting}s.
 */
final class KeyCatalog {

    /** A group of shared keys: the record that binds them and the trlX section they live in. */
    record Section(String name, Class<? extends Record> type, String trlxSection) {}

    static final List<Section> COMMON = List.of(
            new Section("model", ModelSettings.class, "model"),
            new Section("tokenizer", TokenizerSettings.class, "tokenizer"),
            new Section("optimizer", OptimizerSettings.class, "optimizer"),
            new Section("scheduler", ScheduleSettings.class, "scheduler"),
            new Section("train", LoopSettings.class, "train"),
            new Section("run", RunSettings.class, "train"));

    /** Hugging Face / TRL keys accepted without effect, with the reason given to the user. */
    private static final Map<String, String> IGNORED = Map.ofEntries(
            Map.entry("report_to", "trl4j logs to metrics.jsonl and PNG plots in the run folder"),
            Map.entry("run_name", "the run is named by its output_dir"),
            Map.entry("logging_dir", "metrics go to output_dir/metrics.jsonl"),
            Map.entry("logging_strategy", "trl4j logs every logging_steps"),
            Map.entry("overwrite_output_dir", "an existing run folder is resumed or reused"),
            Map.entry("do_train", "the stage decides"),
            Map.entry("do_eval", "the stage evaluates when it has validation data"),
            Map.entry("dataloader_num_workers", "data is read in the training thread"),
            Map.entry("remove_unused_columns", "the stage reads the columns it needs"),
            Map.entry("disable_tqdm", "trl4j draws its own progress bar"),
            Map.entry("log_level", "trl4j has one log level"),
            Map.entry("load_best_model_at_end", "the best checkpoint is kept and named in checkpoints/best"),
            Map.entry("save_safetensors", "trl4j always writes safetensors"));

    /** Keys that must keep their default because trl4j cannot honour another value. */
    private static final Map<String, String> MUST_BE_FALSE = Map.of(
            "bf16", "trl4j trains in float32",
            "fp16", "trl4j trains in float32",
            "tf32", "trl4j trains in float32",
            "gradient_checkpointing", "trl4j keeps activations (no gradient checkpointing)",
            "push_to_hub", "trl4j never uploads; the run folder has the model",
            "torch_compile", "trl4j runs on DJL, not torch.compile");

    private final Map<String, String> sectionOfKey = new LinkedHashMap<>();
    private final Map<String, String> methodAliases;
    private final String stage;

    KeyCatalog(StageSchema<?> schema) {
        for (Section s : COMMON) {
            RecordBinder.keys(s.type()).forEach(k -> sectionOfKey.put(k, s.name()));
        }
        RecordBinder.keys(schema.methodType()).forEach(k -> sectionOfKey.put(k, "method"));
        this.methodAliases = schema.methodAliases();
        this.stage = schema.stage();
    }

    /** Canonical keys of the shared sections. */
    static List<String> commonKeys() {
        List<String> keys = new ArrayList<>();
        COMMON.forEach(s -> keys.addAll(RecordBinder.keys(s.type())));
        return keys;
    }

    /** The section ("model", …, "run", "method") of a canonical top-level key, or null. */
    String sectionOf(String canonicalKey) {
        return sectionOfKey.get(canonicalKey);
    }

    /** The trlX section a canonical key may also be written under ({@code train.max_grad_norm}). */
    String trlxSectionOf(String canonicalKey) {
        String section = sectionOf(canonicalKey);
        if (section == null) {
            return null;
        }
        if (section.equals("method")) {
            return "method";
        }
        return COMMON.stream().filter(s -> s.name().equals(section)).findFirst().orElseThrow().trlxSection();
    }

    /** A key as written at the top level (or under {@code method:}) → canonical key, or null. */
    String canonical(String key) {
        if (sectionOfKey.containsKey(key)) {
            return key;
        }
        return methodAliases.get(key);
    }

    /** Every spelling a flat file may use, for "did you mean". */
    List<String> flatSpellings() {
        List<String> all = new ArrayList<>(sectionOfKey.keySet());
        all.addAll(methodAliases.keySet());
        all.addAll(IGNORED.keySet());
        all.addAll(MUST_BE_FALSE.keySet());
        return all;
    }

    /** Keys of the method section (and their aliases), for "did you mean" under {@code method:}. */
    List<String> methodSpellings() {
        List<String> all = new ArrayList<>();
        sectionOfKey.forEach((k, s) -> {
            if (s.equals("method")) {
                all.add(k);
            }
        });
        all.addAll(methodAliases.keySet());
        return all;
    }

    /**
     * One top-level key of the flat layout (or of a command-line override) → settings.
     *
     * @param sourcePath how the source spelt the key, for messages
     */
    void normaliseFlat(String key, JsonNode value, String source, String sourcePath, List<Setting> out, List<String> notes) {
        if (IGNORED.containsKey(key)) {
            notes.add(source + ": " + sourcePath + " is ignored (" + IGNORED.get(key) + ")");
            return;
        }
        if (MUST_BE_FALSE.containsKey(key)) {
            boolean isFalse = value == null || value.isNull() || (value.isBoolean() && !value.booleanValue())
                    || (value.isTextual() && value.textValue().equalsIgnoreCase("false"));
            if (!isFalse) {
                throw new ConfigException(key, source + ": " + sourcePath + " = " + value + ": must be false ("
                        + MUST_BE_FALSE.get(key) + ")", "must be false");
            }
            return;
        }
        String canonical = canonical(key);
        if (canonical == null) {
            throw unknown(source, sourcePath, key, flatSpellings());
        }
        flatten(canonical, value, source, sourcePath, out);
    }

    /** Adds the leaves of a value: nested mappings become dotted paths; lists and empty mappings stay whole. */
    static void flatten(String path, JsonNode value, String source, String sourcePath, List<Setting> out) {
        if (value != null && value.isObject() && value.size() > 0) {
            for (Iterator<Map.Entry<String, JsonNode>> it = value.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                flatten(path + "." + e.getKey(), e.getValue(), source, sourcePath + "." + e.getKey(), out);
            }
        } else {
            out.add(new Setting(path, value, source, sourcePath));
        }
    }

    /** "unknown key 'x' (did you mean 'y'?)", naming the source and the full path. */
    ConfigException unknown(String source, String sourcePath, String typedKey, List<String> candidates) {
        String prefix = sourcePath.substring(0, sourcePath.length() - typedKey.length());
        String hint = NearMiss.nearest(typedKey, candidates).map(n -> " (did you mean '" + prefix + n + "'?)").orElse("");
        return new ConfigException(null, source + ": unknown key '" + sourcePath + "' for the " + stage + " stage" + hint,
                "is not a known key" + hint);
    }
}
