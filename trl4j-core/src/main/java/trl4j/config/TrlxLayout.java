package trl4j.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * trlX's nested {@code TRLConfig} layout ({@code train, model, tokenizer, optimizer, scheduler,
 * method}) mapped onto canonical keys, so a trlX YAML runs unchanged:
 *
 * <pre>
 * train.seq_length          → max_length                 optimizer.name            → optim
 * train.batch_size          → per_device_train_batch_size optimizer.kwargs.lr       → learning_rate
 * train.minibatch_size      → micro-batch; accumulation = batch_size / minibatch_size
 * train.epochs              → num_train_epochs           optimizer.kwargs.betas    → adam_beta1, adam_beta2
 * train.total_steps         → max_steps                  optimizer.kwargs.eps      → adam_epsilon
 * train.eval_interval       → eval_steps                 optimizer.kwargs.weight_decay → weight_decay
 * train.checkpoint_interval → save_steps                 scheduler.name            → lr_scheduler_type
 * train.checkpoint_dir      → output_dir                   (cosine_annealing; linear → linear_lr)
 * model.model_path          → model_name_or_path         scheduler.kwargs.*        → lr_scheduler_kwargs.*
 * method.*                  → the stage's method keys (with its aliases); method.name is checked
 * </pre>
 *
 * Any canonical key may also be written in the section it belongs to ({@code train.max_grad_norm},
 * {@code scheduler.warmup_steps}). Where trlX (through torch) defaults differently from Hugging
 * Face, a trlX file gets trlX's default ({@link #DEFAULTS}).
 */
final class TrlxLayout {

    /** Defaults a trlX file gets where trlX/torch differ from HF: what trlX would have done. */
    static final Map<String, Object> DEFAULTS = Map.of(
            "seed", 1000, // TrainConfig.seed
            "max_grad_norm", 0.0, // trlX's accelerate loop does not clip
            "learning_rate", 1e-3, // torch.optim.AdamW(lr=1e-3) when kwargs has no lr
            "weight_decay", 0.01, // torch.optim.AdamW(weight_decay=1e-2)
            "padding_side", "left"); // TokenizerConfig.padding_side

    /** trlX paths renamed to canonical keys. */
    private static final Map<String, String> RENAMED = Map.ofEntries(
            Map.entry("train.seq_length", "max_length"),
            Map.entry("train.batch_size", "per_device_train_batch_size"),
            Map.entry("train.epochs", "num_train_epochs"),
            Map.entry("train.total_steps", "max_steps"),
            Map.entry("train.eval_interval", "eval_steps"),
            Map.entry("train.checkpoint_interval", "save_steps"),
            Map.entry("train.checkpoint_dir", "output_dir"),
            Map.entry("model.model_path", "model_name_or_path"),
            Map.entry("optimizer.name", "optim"),
            Map.entry("optimizer.kwargs.lr", "learning_rate"),
            Map.entry("optimizer.kwargs.eps", "adam_epsilon"),
            Map.entry("optimizer.kwargs.weight_decay", "weight_decay"));

    /** trlX keys with no effect in trl4j, and why. */
    private static final Map<String, String> IGNORED = Map.ofEntries(
            Map.entry("train.pipeline", "each trl4j stage has one data pipeline"),
            Map.entry("train.trainer", "the stage is chosen by the command"),
            Map.entry("train.tracker", "trl4j logs to metrics.jsonl and PNG plots in the run folder"),
            Map.entry("train.project_name", "trl4j logs to the run folder"),
            Map.entry("train.run_name", "the run is named by its output_dir"),
            Map.entry("train.entity_name", "trl4j logs to the run folder"),
            Map.entry("train.group_name", "trl4j logs to the run folder"),
            Map.entry("train.tags", "trl4j logs to the run folder"),
            Map.entry("train.logging_dir", "metrics go to output_dir/metrics.jsonl"),
            Map.entry("train.rollout_logging_dir", "rollouts are not logged to files"),
            Map.entry("train.save_best", "set metric_for_best_model to keep a best checkpoint"),
            Map.entry("train.save_optimizer", "checkpoints always hold the optimizer state"));

    /** trlX keys that must stay empty (null, {} or false): trl4j has no equivalent. */
    private static final Map<String, String> MUST_BE_EMPTY = Map.of(
            "train.trainer_kwargs", "trainer kwargs have no trl4j equivalent",
            "model.peft_config", "PEFT/LoRA is not implemented",
            "model.model_extra_configs", "model config overrides are not implemented",
            "tokenizer.tokenizer_extra_configs", "tokenizer overrides are not implemented",
            "optimizer.kwargs.amsgrad", "AMSGrad is not implemented");

    /** The pseudo-key trlX's minibatch_size becomes until {@link ConfigLoader} resolves it. */
    static final String MINIBATCH = "train.minibatch_size";

    private TrlxLayout() {}

    /** A file is in trlX's layout when a trlX section name holds a mapping. */
    static boolean isTrlx(ObjectNode root) {
        return StageSchema.TRLX_SECTIONS.stream().anyMatch(s -> root.has(s) && root.get(s).isObject());
    }

    /** Every setting of a trlX-layout file (top-level canonical keys are accepted too). */
    static void normalise(ObjectNode root, String source, String sourcePrefix, KeyCatalog catalog,
            StageSchema<?> schema, List<Setting> out, List<String> notes) {
        for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            String section = e.getKey();
            if (StageSchema.TRLX_SECTIONS.contains(section) && e.getValue().isObject()) {
                for (Iterator<Map.Entry<String, JsonNode>> f = e.getValue().fields(); f.hasNext(); ) {
                    Map.Entry<String, JsonNode> kv = f.next();
                    sectionKey(section, kv.getKey(), kv.getValue(), source, sourcePrefix, catalog, schema, out, notes);
                }
            } else {
                catalog.normaliseFlat(section, e.getValue(), source, sourcePrefix + section, out, notes);
            }
        }
    }

    /**
     * One key inside a trlX section. {@code sourcePrefix} is "--" for command-line overrides, so
     * messages show the path as the user typed it.
     */
    static void sectionKey(String section, String key, JsonNode value, String source, String sourcePrefix,
            KeyCatalog catalog, StageSchema<?> schema, List<Setting> out, List<String> notes) {
        String path = section + "." + key;
        String sourcePath = sourcePrefix + path;
        if (MUST_BE_EMPTY.containsKey(path)) {
            requireEmpty(path, value, source, sourcePath);
            return;
        }
        if (IGNORED.containsKey(path)) {
            notes.add(source + ": " + sourcePath + " is ignored (" + IGNORED.get(path) + ")");
            return;
        }
        if (path.equals(MINIBATCH)) {
            out.add(new Setting(MINIBATCH, value, source, sourcePath));
            return;
        }
        if (path.equals("method.name")) {
            checkMethodName(value, source, sourcePath, schema);
            return;
        }
        if (path.equals("optimizer.kwargs") && (value == null || value.isNull())) {
            return;
        }
        if (path.equals("optimizer.kwargs") && value.isObject()) {
            for (Iterator<Map.Entry<String, JsonNode>> it = value.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> kv = it.next();
                optimizerKwarg(kv.getKey(), kv.getValue(), source, sourcePath, catalog, out);
            }
            return;
        }
        if (path.equals("scheduler.kwargs")) {
            KeyCatalog.flatten("lr_scheduler_kwargs", value, source, sourcePath, out);
            return;
        }
        if (path.equals("scheduler.name") && value != null && value.isTextual()) {
            // trlX's "linear" is torch's LinearLR, not HF's linear decay with warmup.
            String name = value.textValue().trim().toLowerCase(Locale.ROOT);
            out.add(new Setting("lr_scheduler_type", TextNode.valueOf(name.equals("linear") ? "linear_lr" : name),
                    source, sourcePath));
            return;
        }
        String canonical = RENAMED.get(path);
        if (canonical == null) {
            String c = section.equals("method") ? catalog.canonical(key) : key;
            if (c != null && section.equals(catalog.trlxSectionOf(c))) {
                canonical = c;
            }
        }
        if (canonical == null) {
            throw catalog.unknown(source, sourcePath, key, spellings(section, catalog));
        }
        KeyCatalog.flatten(canonical, value, source, sourcePath, out);
    }

    private static void optimizerKwarg(String kwarg, JsonNode value, String source, String kwargsPath,
            KeyCatalog catalog, List<Setting> out) {
        String sourcePath = kwargsPath + "." + kwarg;
        if (kwarg.equals("betas")) {
            // torch's betas=(beta1, beta2) are two keys in HF's naming.
            if (value == null || !value.isArray() || value.size() != 2) {
                throw new ConfigException("adam_beta1", source + ": " + sourcePath + " = " + value
                        + ": expected a list of two numbers [beta1, beta2]", "expected a list of two numbers");
            }
            out.add(new Setting("adam_beta1", value.get(0), source, sourcePath + "[0]"));
            out.add(new Setting("adam_beta2", value.get(1), source, sourcePath + "[1]"));
            return;
        }
        String path = "optimizer.kwargs." + kwarg;
        if (MUST_BE_EMPTY.containsKey(path)) {
            requireEmpty(path, value, source, sourcePath);
            return;
        }
        String canonical = RENAMED.get(path);
        if (canonical == null) {
            throw catalog.unknown(source, sourcePath, kwarg, List.of("lr", "betas", "eps", "weight_decay", "amsgrad"));
        }
        KeyCatalog.flatten(canonical, value, source, sourcePath, out);
    }

    private static void requireEmpty(String path, JsonNode value, String source, String sourcePath) {
        boolean empty = value == null || value.isNull() || (value.isContainerNode() && value.size() == 0)
                || (value.isBoolean() && !value.booleanValue());
        if (!empty) {
            throw new ConfigException(null, source + ": " + sourcePath + " = " + value + ": not supported ("
                    + MUST_BE_EMPTY.get(path) + ")", "not supported");
        }
    }

    private static void checkMethodName(JsonNode value, String source, String sourcePath, StageSchema<?> schema) {
        String name = value == null || value.isNull() ? "" : value.asText().toLowerCase(Locale.ROOT);
        Set<String> accepted = schema.trlxMethodNames();
        if (!accepted.contains(name)) {
            throw new ConfigException(null, source + ": " + sourcePath + " = \"" + (value == null ? "" : value.asText())
                    + "\": the " + schema.stage() + " stage reads " + (accepted.isEmpty() ? "no trlX method"
                    : "method " + String.join(" or ", accepted.stream().sorted().toList())), "wrong method");
        }
    }

    /** Valid keys of a trlX section, for "did you mean". */
    private static List<String> spellings(String section, KeyCatalog catalog) {
        List<String> keys = new ArrayList<>();
        for (String path : RENAMED.keySet()) {
            if (path.startsWith(section + ".")) {
                keys.add(path.substring(section.length() + 1));
            }
        }
        for (String path : IGNORED.keySet()) {
            if (path.startsWith(section + ".")) {
                keys.add(path.substring(section.length() + 1));
            }
        }
        if (section.equals("method")) {
            keys.addAll(catalog.methodSpellings());
            keys.add("name");
        } else {
            for (String k : KeyCatalog.commonKeys()) {
                if (section.equals(catalog.trlxSectionOf(k))) {
                    keys.add(k);
                }
            }
            switch (section) {
                case "train" -> keys.add("minibatch_size");
                case "optimizer" -> keys.add("kwargs");
                case "scheduler" -> keys.addAll(List.of("name", "kwargs"));
                default -> { }
            }
        }
        return keys;
    }
}
