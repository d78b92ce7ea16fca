package trl4j.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.fasterxml.jackson.dataformat.yaml.util.StringQuotingChecker;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * YAML file + command-line overrides → a validated {@link StageConfig}, and back to YAML.
 *
 * <p>Two layouts are read: trlX's nested {@code TRLConfig} (see {@link TrlxLayout}) and TRL's flat
 * keys (Hugging Face {@code TrainingArguments} names plus the stage's own keys). Both become one set
 * of canonical keys. Values are layered, later ones winning: section record defaults → the stage's
 * defaults → trlX's defaults (trlX files only) → the file → command-line overrides. Then each section
 * record is bound and validated. Every error names the key as the user wrote it and where
 * ({@code ppo.yaml: train.batch_sise}, {@code command line: --learning_rate}). Overrides may use
 * either layout's names, optionally prefixed with the stage ({@code --ppo.kl_coef=0.1}).
 *
 * <p>{@link #toYaml} prints the resolved config in the flat layout with every key; loading that text
 * back gives an equal config.
 */
public final class ConfigLoader<M extends Record> {

    /** File name of the resolved config in a run folder. */
    public static final String RESOLVED_FILE = "resolved-config.yaml";

    private static final String COMMAND_LINE = "command line";

    private static final YAMLMapper YAML = YAMLMapper.builder(YAMLFactory.builder().stringQuotingChecker(new QuoteWhatReadsBackAsNonText()).build())
            .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
            .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
            .enable(YAMLGenerator.Feature.ALWAYS_QUOTE_NUMBERS_AS_STRINGS)
            .build();

    /**
     * Quotes strings the reader would turn into numbers or booleans ("1e-4", "yes"): Jackson's own
     * check misses exponents, and a saved config must read back exactly.
     */
    private static final class QuoteWhatReadsBackAsNonText extends StringQuotingChecker.Default {
        private static final long serialVersionUID = 1L;
        private static final Set<String> KEYWORDS = Set.of("yes", "no", "on", "off", "y", "n", "true", "false", "null", "~");

        @Override
        public boolean needToQuoteValue(String value) {
            if (super.needToQuoteValue(value) || KEYWORDS.contains(value.toLowerCase(Locale.ROOT))) {
                return true;
            }
            try {
                Double.parseDouble(value);
                return true;
            } catch (NumberFormatException e) {
                return false;
            }
        }
    }

    private final StageSchema<M> schema;
    private final KeyCatalog catalog;

    public ConfigLoader(StageSchema<M> schema) {
        this.schema = schema;
        this.catalog = new KeyCatalog(schema);
    }

    /** Reads a config file (or only defaults when {@code file} is null) and applies overrides. */
    public LoadedConfig<M> load(Path file, List<String> overrides) {
        if (file == null) {
            return parse("", "defaults", overrides);
        }
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new ConfigException(null, file + ": no such config file", "no such file");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
        }
        return parse(text, file.toString(), overrides);
    }

    /** Parses YAML text named {@code source} in messages, and applies overrides. */
    public LoadedConfig<M> parse(String yamlText, String source, List<String> overrides) {
        ObjectNode root = readRoot(yamlText, source);
        boolean trlx = TrlxLayout.isTrlx(root);
        List<String> notes = new ArrayList<>();
        Map<String, Setting> merged = new LinkedHashMap<>();
        apply(merged, defaultsLayer(schema.trainingDefaults(), "defaults of the " + schema.stage() + " stage"));
        if (trlx) {
            apply(merged, defaultsLayer(TrlxLayout.DEFAULTS, "trlX default"));
        }
        List<Setting> fromFile = new ArrayList<>();
        if (trlx) {
            TrlxLayout.normalise(root, source, "", catalog, schema, fromFile, notes);
        } else {
            root.fields().forEachRemaining(e -> catalog.normaliseFlat(e.getKey(), e.getValue(), source, e.getKey(), fromFile, notes));
        }
        rejectDuplicates(fromFile);
        apply(merged, fromFile);
        for (Overrides.Override o : Overrides.parse(overrides)) {
            List<Setting> one = new ArrayList<>();
            // --ppo.kl_coef=0.1 (DESIGN.md's spelling): the stage name as a prefix of a flat key.
            String stagePrefix = schema.stage() + ".";
            boolean prefixed = o.path().startsWith(stagePrefix) && o.path().length() > stagePrefix.length();
            String path = prefixed ? o.path().substring(stagePrefix.length()) : o.path();
            TrlxLayout.normalise(nest(path, scalar(o.value())), COMMAND_LINE, prefixed ? "--" + stagePrefix : "--",
                    catalog, schema, one, notes);
            apply(merged, one);
        }
        resolveMinibatch(merged);
        return new LoadedConfig<>(bindAll(merged, source), notes, trlx);
    }

    /** Only defaults (of the records and the stage). */
    public StageConfig<M> defaults() {
        return parse("", "defaults", List.of()).config();
    }

    private static ObjectNode readRoot(String text, String source) {
        JsonNode root;
        try {
            root = YAML.readTree(text);
        } catch (JsonProcessingException e) {
            String where = e.getLocation() == null ? "" : " at line " + e.getLocation().getLineNr();
            throw new ConfigException(null, source + ": not valid YAML" + where + " ("
                    + e.getOriginalMessage().lines().findFirst().orElse("").trim() + ")", "not valid YAML");
        }
        if (root == null || root.isMissingNode() || root.isNull()) {
            return JsonNodeFactory.instance.objectNode();
        }
        if (!root.isObject()) {
            throw new ConfigException(null, source + ": a config must be a mapping of keys to values", "not a mapping");
        }
        return (ObjectNode) root;
    }

    /** A command-line value as YAML would read it (numbers, booleans, null, [lists], {maps}); else text. */
    private static JsonNode scalar(String text) {
        try {
            JsonNode node = YAML.readTree(text);
            return node == null || node.isMissingNode() ? TextNode.valueOf(text) : node;
        } catch (JsonProcessingException e) {
            return TextNode.valueOf(text);
        }
    }

    /** {@code a.b.c} and a value → {@code {a: {b: {c: value}}}}. */
    private static ObjectNode nest(String path, JsonNode value) {
        String[] parts = path.split("\\.");
        ObjectNode root = JsonNodeFactory.instance.objectNode();
        ObjectNode at = root;
        for (int i = 0; i < parts.length - 1; i++) {
            at = at.putObject(parts[i]);
        }
        at.set(parts[parts.length - 1], value);
        return root;
    }

    private static List<Setting> defaultsLayer(Map<String, Object> values, String source) {
        List<Setting> out = new ArrayList<>();
        values.forEach((k, v) -> KeyCatalog.flatten(k, RecordBinder.toNode(v), source, k, out));
        return out;
    }

    private static void rejectDuplicates(List<Setting> settings) {
        Map<String, Setting> seen = new LinkedHashMap<>();
        for (Setting s : settings) {
            Setting before = seen.put(s.path(), s);
            if (before != null) {
                throw new ConfigException(s.path(), s.source() + ": " + before.sourcePath() + " and " + s.sourcePath()
                        + " both set " + s.path() + "; keep one", "set twice");
            }
        }
    }

    /** Later settings replace earlier ones, including whole sub-trees ({@code gen_kwargs} vs {@code gen_kwargs.top_k}). */
    private static void apply(Map<String, Setting> merged, List<Setting> layer) {
        for (Setting s : layer) {
            merged.keySet().removeIf(p -> p.equals(s.path()) || p.startsWith(s.path() + ".") || s.path().startsWith(p + "."));
            merged.put(s.path(), s);
        }
    }

    /** trlX's {@code minibatch_size}: micro-batches of that size, accumulated up to {@code batch_size}. */
    private static void resolveMinibatch(Map<String, Setting> merged) {
        Setting mb = merged.remove(TrlxLayout.MINIBATCH);
        if (mb == null || mb.value() == null || mb.value().isNull()) {
            return;
        }
        int minibatch = located(() -> RecordBinder.intValue("minibatch_size", mb.value()), mb);
        Setting batchSetting = merged.get("per_device_train_batch_size");
        int batch = batchSetting == null ? LoopSettings.DEFAULTS.perDeviceTrainBatchSize()
                : located(() -> RecordBinder.intValue("per_device_train_batch_size", batchSetting.value()), batchSetting);
        if (minibatch < 1 || batch % minibatch != 0) {
            throw new ConfigException("per_device_train_batch_size", mb.source() + ": " + mb.sourcePath() + " = " + minibatch
                    + ": must be >= 1 and divide train.batch_size = " + batch, "must divide the batch size");
        }
        Setting accumulation = merged.get("gradient_accumulation_steps");
        if (accumulation != null && !accumulation.source().startsWith("defaults")
                && located(() -> RecordBinder.intValue("gradient_accumulation_steps", accumulation.value()), accumulation) != batch / minibatch) {
            throw new ConfigException("gradient_accumulation_steps", accumulation.origin() + " contradicts "
                    + mb.sourcePath() + " (batch " + batch + " / minibatch " + minibatch + "); keep one", "contradiction");
        }
        merged.put("per_device_train_batch_size", new Setting("per_device_train_batch_size", IntNode.valueOf(minibatch), mb.source(), mb.sourcePath()));
        merged.put("gradient_accumulation_steps", new Setting("gradient_accumulation_steps", IntNode.valueOf(batch / minibatch), mb.source(), mb.sourcePath()));
    }

    private interface IntValue {
        int get();
    }

    private static int located(IntValue value, Setting setting) {
        try {
            return value.get();
        } catch (ConfigException e) {
            throw e.at(setting.origin());
        }
    }

    private StageConfig<M> bindAll(Map<String, Setting> merged, String source) {
        Map<String, ObjectNode> trees = new LinkedHashMap<>();
        for (Setting s : merged.values()) {
            String top = s.path().split("\\.")[0];
            String section = catalog.sectionOf(top);
            if (section == null) {
                throw new IllegalStateException("setting '" + s.path() + "' belongs to no section");
            }
            put(trees.computeIfAbsent(section, k -> JsonNodeFactory.instance.objectNode()), s.path(), s.value());
        }
        try {
            TrainingConfig d = TrainingConfig.DEFAULTS;
            TrainingConfig training = new TrainingConfig(
                    RecordBinder.bind(ModelSettings.class, d.model(), tree(trees, "model")),
                    RecordBinder.bind(TokenizerSettings.class, d.tokenizer(), tree(trees, "tokenizer")),
                    RecordBinder.bind(OptimizerSettings.class, d.optimizer(), tree(trees, "optimizer")),
                    RecordBinder.bind(ScheduleSettings.class, d.schedule(), tree(trees, "scheduler")),
                    RecordBinder.bind(LoopSettings.class, d.loop(), tree(trees, "train")),
                    RecordBinder.bind(RunSettings.class, d.run(), tree(trees, "run")));
            M method = RecordBinder.bind(schema.methodType(), schema.methodDefaults(), tree(trees, "method"));
            return new StageConfig<>(schema.stage(), training, method);
        } catch (ConfigException e) {
            throw locate(e, merged, source);
        }
    }

    private static ObjectNode tree(Map<String, ObjectNode> trees, String section) {
        return trees.getOrDefault(section, JsonNodeFactory.instance.objectNode());
    }

    private static void put(ObjectNode root, String path, JsonNode value) {
        String[] parts = path.split("\\.");
        ObjectNode at = root;
        for (int i = 0; i < parts.length - 1; i++) {
            JsonNode child = at.get(parts[i]);
            at = child instanceof ObjectNode o ? o : at.putObject(parts[i]);
        }
        at.set(parts[parts.length - 1], value == null ? JsonNodeFactory.instance.nullNode() : value);
    }

    /** Adds where the offending key came from: its own setting, else an enclosing or enclosed one. */
    private static ConfigException locate(ConfigException e, Map<String, Setting> merged, String source) {
        String key = e.key();
        if (key == null) {
            return new ConfigException(null, source + ": " + e.getMessage(), e.problem());
        }
        Setting exact = merged.get(key);
        if (exact == null) {
            for (Setting s : merged.values()) {
                if (key.startsWith(s.path() + ".") || s.path().startsWith(key + ".")) {
                    exact = s;
                    break;
                }
            }
        }
        if (exact == null) {
            return new ConfigException(key, source + ": " + key + " (default) " + e.problem(), e.problem());
        }
        return e.at(exact.origin());
    }

    /** The resolved config in the flat layout, every key written, grouped by section with comments. */
    public String toYaml(StageConfig<M> config) {
        TrainingConfig t = config.training();
        StringBuilder out = new StringBuilder();
        out.append("# trl4j: resolved config of the ").append(config.stage())
                .append(" stage, every key with its value (TRL / Hugging Face names).\n")
                .append("# Loading this file again gives the same config.\n");
        section(out, "model", t.model());
        section(out, "tokenizer", t.tokenizer());
        section(out, "optimizer (AdamW)", t.optimizer());
        section(out, "learning-rate schedule", t.schedule());
        section(out, "training loop", t.loop());
        section(out, "run folder, logging, evaluation, checkpoints", t.run());
        section(out, "method (" + config.stage() + ")", config.method());
        return out.toString();
    }

    private static void section(StringBuilder out, String title, Record record) {
        ObjectNode tree = RecordBinder.toTree(record);
        if (tree.isEmpty()) {
            return;
        }
        try {
            out.append("\n# ").append(title).append('\n').append(YAML.writeValueAsString(tree));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write config section " + title, e);
        }
    }

    /** Writes {@link #RESOLVED_FILE} into {@code runDir} (atomically: a crash leaves the old file or the new). */
    public Path save(StageConfig<M> config, Path runDir) {
        Path target = runDir.resolve(RESOLVED_FILE);
        try {
            Files.createDirectories(runDir);
            Path tmp = Files.createTempFile(runDir, "." + RESOLVED_FILE, ".tmp");
            try {
                Files.writeString(tmp, toYaml(config), StandardCharsets.UTF_8);
                try {
                    Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                } catch (AtomicMoveNotSupportedException e) {
                    Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
                }
            } finally {
                Files.deleteIfExists(tmp);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + target + ": " + e.getMessage(), e);
        }
        return target;
    }
}
