package trl4j.pipeline;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import trl4j.config.ConfigException;
import trl4j.config.ConfigLoader;
import trl4j.config.Overrides;
import trl4j.config.RecordBinder;
import trl4j.config.StageConfig;
import trl4j.train.ppo.PpoConfig;
import trl4j.train.ppo.PpoMethod;
import trl4j.train.reward.RewardMethod;
import trl4j.train.sft.SftMethod;

/**
 * A pipeline preset ({@code configs/pipeline-quick.yaml}, {@code configs/pipeline-full.yaml}) and its
 * command-line overrides, resolved for one run folder. The file has one section per stage:
 *
 * <pre>
 * dataset:      {@link PipelineSections.Dataset}       the rows of debian-tldr the run uses
 * tokenizer:    {@link PipelineSections.Tokenizer}     the BPE trained on them
 * sft:          the SFT stage's own config (TRL / trlX keys, exactly as configs/sft-*.yaml)
 * comparisons:  {@link PipelineSections.Comparisons}   SFT samples labelled by the gold judge
 * reward:       the reward stage's config (as configs/rm-*.yaml)
 * ppo:          the PPO stage's config (as configs/ppo-*.yaml)
 * eval:         {@link PipelineSections.Eval}          the final test-split evaluation
 * </pre>
 *
 * A trainer section may start from a stage config file, {@code config: configs/sft-debian.yaml}; its
 * other keys then replace that file's keys. The pipeline owns the keys that wire stages together
 * (output folders, data files, the models one stage hands the next, the tokenizer): a preset or override
 * that sets one is an error, and an included file's values for them are replaced. Overrides name the
 * section: {@code --sft.learning_rate=1e-3}, {@code --dataset.train_rows=500}, {@code --ppo.kl_coef=0.1}.
 */
public final class PipelineConfig {

    /** Sections of a preset, in stage order. */
    public static final List<String> SECTIONS = List.of("dataset", "tokenizer", "sft", "comparisons", "reward", "ppo", "eval");
    /** A trainer section's key naming a stage config file to start from. */
    public static final String INCLUDE = "config";

    /** Keys the pipeline sets in each trainer's config (flat TRL names), so stages read each other's outputs. */
    static final Map<String, Set<String>> OWNED = Map.of(
            "sft", Set.of("output_dir", "dataset_name", "train_file", "validation_file", "test_file", "tokenizer_path",
                    "resume_from_checkpoint"),
            "reward", Set.of("output_dir", "model_name_or_path", "train_file", "validation_file", "dataset_format",
                    "normalization_file", "tokenizer_path", "resume_from_checkpoint"),
            "ppo", Set.of("output_dir", "sft_model_path", "model_name_or_path", "reward_model_path", "train_prompts", "eval_prompts",
                    "test_prompts", "tokenizer_path", "resume_from_checkpoint"));

    private static final YAMLMapper YAML = new YAMLMapper();
    private static final ObjectMapper JSON = new ObjectMapper();

    /** A trainer's config as YAML text plus the overrides applied on top (the user's, then the pipeline's). */
    private record TrainerSource(String yaml, String source, List<String> overrides) {}

    private final String preset;
    private final Path runDir;
    private final PipelineSections.Dataset dataset;
    private final PipelineSections.Tokenizer tokenizer;
    private final PipelineSections.Comparisons comparisons;
    private final PipelineSections.Eval eval;
    private final TrainerSource sft;
    private final TrainerSource reward;
    private final TrainerSource ppo;

    private PipelineConfig(String preset, Path runDir, Map<String, ObjectNode> own, Map<String, TrainerSource> trainers, String source) {
        this.preset = preset;
        this.runDir = runDir;
        this.dataset = bind(PipelineSections.Dataset.class, PipelineSections.Dataset.DEFAULTS, own, "dataset", source);
        this.tokenizer = bind(PipelineSections.Tokenizer.class, PipelineSections.Tokenizer.DEFAULTS, own, "tokenizer", source);
        this.comparisons = bind(PipelineSections.Comparisons.class, PipelineSections.Comparisons.DEFAULTS, own, "comparisons", source);
        this.eval = bind(PipelineSections.Eval.class, PipelineSections.Eval.DEFAULTS, own, "eval", source);
        this.sft = trainers.get("sft");
        this.reward = trainers.get("reward");
        this.ppo = trainers.get("ppo");
        // Resolve every trainer config now: a typo fails before any stage runs.
        String model = sft(false).training().model().modelNameOrPath();
        if (model == null) {
            throw new ConfigException("model_name_or_path", source + ": sft.model_name_or_path is required (a preset such as"
                    + " preset:tiny-gpt2, or a model folder)", "is required");
        }
        reward(false);
        ppo(false);
    }

    /** The file of a named preset: {@code home/configs/pipeline-NAME.yaml}. */
    public static Path presetFile(Path home, String preset) {
        if (preset == null || !preset.matches("[A-Za-z0-9_-]+")) {
            throw new IllegalArgumentException("--preset " + preset + ": a preset is a name such as quick or full");
        }
        Path file = home.resolve("configs").resolve("pipeline-" + preset + ".yaml");
        if (!Files.isRegularFile(file)) {
            List<String> known = new ArrayList<>();
            try (var files = Files.list(home.resolve("configs"))) {
                files.map(p -> p.getFileName().toString()).filter(n -> n.startsWith("pipeline-") && n.endsWith(".yaml"))
                        .map(n -> n.substring("pipeline-".length(), n.length() - ".yaml".length())).sorted().forEach(known::add);
            } catch (IOException e) {
                // no configs folder: the message below still says what is missing
            }
            throw new IllegalArgumentException("--preset " + preset + ": no " + home.relativize(file) + " (presets: "
                    + (known.isEmpty() ? "none found" : String.join(", ", known)) + ")");
        }
        return file;
    }

    /**
     * Reads a preset file and applies overrides ({@code --section.key=value}).
     *
     * @param home the repository root: {@code config:} includes and the bundled data are found from it
     * @param runDir the run folder the stages' outputs go to
     */
    public static PipelineConfig load(Path file, String preset, List<String> overrides, Path home, Path runDir) {
        String text;
        try {
            text = Files.readString(file);
        } catch (IOException e) {
            throw new IllegalArgumentException(file + ": cannot read (" + e.getMessage() + ")");
        }
        return parse(text, file.toString(), preset, overrides, home, runDir);
    }

    /** As {@link #load}, from YAML text named {@code source} in messages. */
    public static PipelineConfig parse(String yamlText, String source, String preset, List<String> overrides, Path home, Path runDir) {
        ObjectNode root = readMapping(yamlText, source);
        root.fieldNames().forEachRemaining(name -> {
            if (!SECTIONS.contains(name)) {
                throw new ConfigException(name, source + ": unknown section '" + name + "'" + hint(name) + "; sections: "
                        + String.join(", ", SECTIONS), "unknown section");
            }
        });
        Map<String, ObjectNode> own = new LinkedHashMap<>();
        Map<String, List<String>> trainerOverrides = new LinkedHashMap<>();
        for (String s : SECTIONS) {
            JsonNode node = root.get(s);
            if (node != null && !node.isNull() && !node.isObject()) {
                throw new ConfigException(s, source + ": " + s + " must be a mapping of keys to values", "not a mapping");
            }
            own.put(s, node == null || node.isNull() ? JsonNodeFactory.instance.objectNode() : ((ObjectNode) node).deepCopy());
            trainerOverrides.put(s, new ArrayList<>());
        }
        for (Overrides.Override o : Overrides.parse(overrides)) {
            int dot = o.path().indexOf('.');
            String section = dot < 0 ? null : o.path().substring(0, dot);
            if (section == null || !SECTIONS.contains(section)) {
                throw new ConfigException(o.path(), "command line: --" + o.path() + ": name the stage section first, e.g. --sft."
                        + (dot < 0 ? o.path() : o.path().substring(dot + 1)) + "=" + o.value() + " (sections: "
                        + String.join(", ", SECTIONS) + ")", "no section");
            }
            String key = o.path().substring(dot + 1);
            if (OWNED.containsKey(section)) {
                rejectOwned(section, key.split("\\.")[0], "command line: --" + o.path());
                trainerOverrides.get(section).add("--" + o.path() + "=" + o.value());
            } else {
                put(own.get(section), key, scalar(o.value()));
            }
        }
        Map<String, TrainerSource> trainers = new LinkedHashMap<>();
        for (String s : OWNED.keySet()) {
            ObjectNode section = own.remove(s);
            trainers.put(s, trainerSource(s, section, source, home, runDir, trainerOverrides.get(s)));
        }
        return new PipelineConfig(preset, runDir, own, trainers, source);
    }

    private static TrainerSource trainerSource(String stage, ObjectNode section, String source, Path home, Path runDir,
            List<String> userOverrides) {
        JsonNode include = section.remove(INCLUDE);
        section.fieldNames().forEachRemaining(key -> rejectOwned(stage, key, source + ": " + stage + "." + key));
        ObjectNode merged = section;
        String where = source + " (" + stage + " section)";
        if (include != null && !include.isNull()) {
            Path file = Path.of(include.asText());
            if (!file.isAbsolute()) {
                file = home.resolve(file);
            }
            if (!Files.isRegularFile(file)) {
                throw new ConfigException(INCLUDE, source + ": " + stage + ".config = " + include.asText() + ": no such file", "no such file");
            }
            try {
                merged = readMapping(Files.readString(file), file.toString());
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
            }
            for (String owned : OWNED.get(stage)) {
                merged.remove(owned); // the recipe's own folders and data files; the pipeline sets them below
            }
            deepMerge(merged, section);
            where = source + " (" + stage + " section on " + include.asText() + ")";
        }
        List<String> all = new ArrayList<>(userOverrides);
        ownedValues(stage, runDir).forEach((k, v) -> all.add("--" + k + "=" + quoted(v)));
        try {
            return new TrainerSource(YAML.writeValueAsString(merged), where, List.copyOf(all));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write the " + stage + " section", e);
        }
    }

    /** Where each trainer reads its inputs and writes its outputs in the run folder. */
    static Map<String, String> ownedValues(String stage, Path runDir) {
        Map<String, String> v = new LinkedHashMap<>();
        Path data = runDir.resolve(Pipeline.DATASET);
        String tokenizerDir = runDir.resolve(Pipeline.TOKENIZER).toString();
        switch (stage) {
            case "sft" -> {
                v.put("output_dir", runDir.resolve(Pipeline.SFT).toString());
                v.put("train_file", data.resolve(DatasetStage.TRAIN).toString());
                v.put("validation_file", data.resolve(DatasetStage.VALIDATION).toString());
                v.put("test_file", data.resolve(DatasetStage.TEST).toString());
                v.put("tokenizer_path", tokenizerDir);
            }
            case "reward" -> {
                v.put("output_dir", runDir.resolve(Pipeline.REWARD).toString());
                v.put("model_name_or_path", Pipeline.sftModel(runDir).toString());
                v.put("train_file", runDir.resolve(Pipeline.COMPARISONS).resolve(ComparisonsStage.TRAIN).toString());
                v.put("validation_file", runDir.resolve(Pipeline.COMPARISONS).resolve(ComparisonsStage.VALIDATION).toString());
                v.put("dataset_format", "preference");
                v.put("normalization_file", data.resolve(DatasetStage.VALIDATION).toString());
                v.put("tokenizer_path", tokenizerDir);
            }
            case "ppo" -> {
                v.put("output_dir", runDir.resolve(Pipeline.PPO).toString());
                v.put("sft_model_path", Pipeline.sftModel(runDir).toString());
                v.put("reward_model_path", Pipeline.rewardModel(runDir).toString());
                v.put("train_prompts", data.resolve(DatasetStage.TRAIN).toString());
                v.put("eval_prompts", data.resolve(DatasetStage.VALIDATION).toString());
                v.put("tokenizer_path", tokenizerDir);
            }
            default -> throw new IllegalArgumentException(stage);
        }
        return v;
    }

    private static void rejectOwned(String stage, String key, String where) {
        if (OWNED.get(stage).contains(key)) {
            throw new ConfigException(key, where + " is set by the pipeline (it wires the stages together in the run folder);"
                    + " leave it out", "is set by the pipeline");
        }
    }

    public String preset() {
        return preset;
    }

    public Path runDir() {
        return runDir;
    }

    public PipelineSections.Dataset dataset() {
        return dataset;
    }

    public PipelineSections.Tokenizer tokenizer() {
        return tokenizer;
    }

    public PipelineSections.Comparisons comparisons() {
        return comparisons;
    }

    public PipelineSections.Eval eval() {
        return eval;
    }

    /** The SFT config; with {@code resume}, continuing from the stage's latest checkpoint. */
    public StageConfig<SftMethod> sft(boolean resume) {
        return new ConfigLoader<>(SftMethod.SCHEMA).parse(sft.yaml(), sft.source(), withResume(sft, resume)).config();
    }

    public StageConfig<RewardMethod> reward(boolean resume) {
        return RewardMethod.loader().parse(reward.yaml(), reward.source(), withResume(reward, resume)).config();
    }

    public PpoConfig ppo(boolean resume) {
        return PpoConfig.parse(ppo.yaml(), ppo.source(), withResume(ppo, resume));
    }

    private static List<String> withResume(TrainerSource s, boolean resume) {
        List<String> all = new ArrayList<>(s.overrides());
        if (resume) {
            all.add("--resume_from_checkpoint=latest");
        }
        return all;
    }

    /** Every section resolved, as YAML: saved in the run folder and compared when a run is resumed. */
    public String toYaml() {
        StringBuilder out = new StringBuilder("# trl4j pipeline: resolved config of every stage (preset " + preset + ")\n");
        Map<String, Record> own = new LinkedHashMap<>();
        own.put("dataset", dataset);
        own.put("tokenizer", tokenizer);
        own.put("comparisons", comparisons);
        own.put("eval", eval);
        for (String s : SECTIONS) {
            String body = switch (s) {
                case "sft" -> new ConfigLoader<>(SftMethod.SCHEMA).toYaml(sft(false));
                case "reward" -> RewardMethod.loader().toYaml(reward(false));
                case "ppo" -> ppo(false).toYaml();
                default -> sectionYaml(own.get(s));
            };
            out.append("\n").append(s).append(":\n");
            body.lines().filter(l -> !l.isBlank()).forEach(l -> out.append("  ").append(l).append('\n'));
        }
        return out.toString();
    }

    /** One of the pipeline's own sections as YAML (its stage folder's resolved-config.yaml). */
    static String sectionYaml(Record section) {
        try {
            return YAML.writeValueAsString(RecordBinder.toTree(section)).replaceFirst("^---\\s*\\n", "");
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static <R extends Record> R bind(Class<R> type, R defaults, Map<String, ObjectNode> own, String section, String source) {
        try {
            return RecordBinder.bind(type, defaults, own.get(section));
        } catch (ConfigException e) {
            throw new ConfigException(e.key(), source + ": " + section + "." + e.getMessage(), e.problem());
        }
    }

    private static ObjectNode readMapping(String text, String source) {
        JsonNode root;
        try {
            root = YAML.readTree(text);
        } catch (JsonProcessingException e) {
            String where = e.getLocation() == null ? "" : " at line " + e.getLocation().getLineNr();
            throw new ConfigException(null, source + ": not valid YAML" + where, "not valid YAML");
        }
        if (root == null || root.isMissingNode() || root.isNull()) {
            return JsonNodeFactory.instance.objectNode();
        }
        if (!root.isObject()) {
            throw new ConfigException(null, source + ": a config must be a mapping of keys to values", "not a mapping");
        }
        return (ObjectNode) root;
    }

    private static void deepMerge(ObjectNode into, ObjectNode from) {
        from.fields().forEachRemaining(e -> {
            JsonNode old = into.get(e.getKey());
            if (old instanceof ObjectNode o && e.getValue() instanceof ObjectNode n) {
                deepMerge(o, n);
            } else {
                into.set(e.getKey(), e.getValue());
            }
        });
    }

    private static void put(ObjectNode root, String path, JsonNode value) {
        String[] parts = path.split("\\.");
        ObjectNode at = root;
        for (int i = 0; i < parts.length - 1; i++) {
            at = at.get(parts[i]) instanceof ObjectNode o ? o : at.putObject(parts[i]);
        }
        at.set(parts[parts.length - 1], value);
    }

    private static JsonNode scalar(String text) {
        try {
            JsonNode node = YAML.readTree(text);
            return node == null || node.isMissingNode() ? TextNode.valueOf(text) : node;
        } catch (JsonProcessingException e) {
            return TextNode.valueOf(text);
        }
    }

    /** A path as a YAML string that reads back as itself, whatever characters it holds. */
    private static String quoted(String value) {
        try {
            return JSON.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** " (did you mean 'sft'?)" for a section name within two edits of a known one. */
    private static String hint(String name) {
        return SECTIONS.stream().filter(s -> distance(name, s) <= 2).findFirst().map(s -> " (did you mean '" + s + "'?)").orElse("");
    }

    private static int distance(String a, String b) {
        int[] prev = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            int[] cur = new int[b.length() + 1];
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1));
            }
            prev = cur;
        }
        return prev[b.length()];
    }
}
