package trl4j.cli;

import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import trl4j.config.ConfigLoader;
import trl4j.config.LoadedConfig;
import trl4j.config.StageConfig;
import trl4j.config.TrainingConfig;
import trl4j.data.Comparison;
import trl4j.data.Datasets;
import trl4j.data.PromptCompletion;
import trl4j.data.PromptReferences;
import trl4j.data.ReadOptions;
import trl4j.data.TldrFormat;
import trl4j.train.reward.ComparisonFiles;
import trl4j.train.reward.EncodedComparisons;
import trl4j.train.reward.RewardEvaluation;
import trl4j.train.reward.RewardMethod;
import trl4j.train.reward.RewardModel;
import trl4j.train.reward.RewardTrainer;
import trl4j.train.reward.RewardTrainingResult;

/** {@code trl4j reward}: train a reward model on comparisons, score texts with one, evaluate one. */
@Command(name = "reward", mixinStandardHelpOptions = true,
        description = "Reward model (stage 2): train on comparisons, score texts, evaluate accuracy.",
        subcommands = {RewardCommand.Train.class, RewardCommand.Score.class, RewardCommand.Eval.class})
final class RewardCommand implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    @Command(name = "train", mixinStandardHelpOptions = true, sortOptions = false,
            description = {"Train a reward model on comparisons (prompt, chosen, rejected): loss -log sigmoid(r_chosen - r_rejected).",
                "Settings come from a YAML config (TRL's flat keys or trlX's layout); any key can be overridden: --learning_rate=3e-5."},
            footer = {"",
                "Data formats (dataset_format; detected from the first row when unset):",
                "  preference, summarize-from-feedback, debian-comparisons: pairs as given",
                "    (a 'margin' column gives TRL's per-pair margin).",
                "  scored: {prompt, completions: [...], scores: [...]}. Every two completions",
                "    whose scores differ by more than min_score_gap make a pair, the higher",
                "    one chosen; ties are skipped and counted; max_pairs_per_prompt keeps",
                "    the largest differences.",
                "  scitldr: SciTLDR rows. Each TLDR target is chosen against the source",
                "    sentences closest to a summary (source_labels = 1 first, then by",
                "    rouge_scores), negatives_per_target of them: hard pairs.",
                "A comparison whose chosen equals its rejected is skipped and counted.",
                "",
                "Writes to output_dir: resolved-config.yaml, metrics.jsonl, checkpoints/",
                "(resume with --resume), plots/, eval_results.json and final/ (the",
                "normalised reward model in Hugging Face layout)."})
    static final class Train implements Callable<Integer> {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Option(names = "--config", required = true, paramLabel = "FILE", description = "The YAML config (e.g. configs/rm-debian.yaml).")
        Path config;

        @Option(names = "--resume", description = "Continue from the newest checkpoint in output_dir.")
        boolean resume;

        @CommandLine.Unmatched
        List<String> overrides = new ArrayList<>();

        @Override
        public Integer call() throws IOException {
            List<String> all = new ArrayList<>(overrides);
            if (resume) {
                all.add("--resume_from_checkpoint=latest");
            }
            ConfigLoader<RewardMethod> loader = RewardMethod.loader();
            LoadedConfig<RewardMethod> loaded = loader.load(config, all);
            PrintStream err = CommandLog.of(spec);
            loaded.notes().forEach(n -> err.println("reward: " + n));
            StageConfig<RewardMethod> c = loaded.config();
            TrainingConfig t = c.training();
            RewardMethod m = c.method();
            if (m.trainFile() == null) {
                throw new IllegalArgumentException(config + ": set train_file (the comparisons to train on)");
            }
            Path modelDir = requireModel(t.model().modelNameOrPath(), config);
            ComparisonFiles.Loaded train = ComparisonFiles.load(existing(m.trainFile(), "train_file"), m.datasetFormat(), m);
            err.println("reward: train: " + train.summary());
            List<Comparison> validation = List.of();
            if (m.validationFile() != null) {
                ComparisonFiles.Loaded v = ComparisonFiles.load(existing(m.validationFile(), "validation_file"), m.datasetFormat(), m);
                err.println("reward: validation: " + v.summary());
                validation = v.comparisons();
            }
            Path runDir = Path.of(t.run().outputDir());
            loader.save(c, runDir);
            Path tokenizerDir = t.tokenizer().tokenizerPath() == null ? null : Path.of(t.tokenizer().tokenizerPath());
            RewardModel.Options options = new RewardModel.Options(t.loop().maxLength(), t.tokenizer().truncationSide(),
                    m.appendEosToken(), 0, t.loop().perDeviceEvalBatchSize());
            try (NDManager manager = NDManager.newBaseManager();
                    RewardModel rm = RewardModel.fromPretrained(modelDir, tokenizerDir, manager, t.run().seed(), options)) {
                RewardTrainer trainer = new RewardTrainer(rm, train.comparisons(), validation, c).log(err);
                if (m.normalizationFile() != null) {
                    trainer.normalizeOn(references(existing(m.normalizationFile(), "normalization_file")), m.normalizationFile());
                }
                RewardTrainingResult r = trainer.train();
                PrintWriter out = spec.commandLine().getOut();
                out.printf(Locale.ROOT, "reward: %s after %d of %d steps in %s%n", r.finished() ? "finished" : "stopped",
                        r.globalStep(), r.totalSteps(), duration(r.time().toSeconds()));
                if (r.evaluation() != null) {
                    out.printf(Locale.ROOT, "reward: validation accuracy %.4f, margin %.4f (%d pairs)%n",
                            r.evaluation().overall().accuracy(), r.evaluation().overall().margin(), r.evaluation().overall().pairs());
                }
                if (r.finished()) {
                    out.println("reward: model in " + r.finalModel());
                }
                out.flush();
                return r.finished() ? 0 : 130;
            }
        }
    }

    @Command(name = "score", mixinStandardHelpOptions = true, sortOptions = false,
            description = {"Score texts with a reward model; prints one score per line (or JSON with --json).",
                "--texts: each line scored as-is, as transformers scores tokenizer(text) with the sequence-classification model.",
                "--prompt/--response and --pairs: prompt + response + EOS, the convention the model was trained with.",
                "Scores include the model's normalisation (trl4j.reward.score_offset in config.json; --raw leaves it out)."})
    static final class Score implements Callable<Integer> {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Option(names = "--model", required = true, paramLabel = "DIR", description = "Reward model folder (trl4j or transformers *ForSequenceClassification).")
        Path model;

        @Option(names = "--tokenizer", paramLabel = "DIR", description = "Tokenizer folder, if not the model folder.")
        Path tokenizer;

        @Option(names = "--texts", paramLabel = "FILE", description = "One text per line, each scored as-is.")
        Path texts;

        @Option(names = "--prompt", description = "A prompt (with --response).")
        String prompt;

        @Option(names = "--response", description = "A response to the prompt.")
        String response;

        @Option(names = "--pairs", paramLabel = "FILE", description = "JSON lines {\"prompt\": …, \"response\": …} (or \"completion\").")
        Path pairs;

        @Option(names = "--json", description = "Print one JSON object per input instead of bare scores.")
        boolean json;

        @Option(names = "--raw", description = "Leave out the recorded normalisation offset.")
        boolean raw;

        @Option(names = "--batch-size", defaultValue = "16", description = "Texts per forward pass (default ${DEFAULT-VALUE}).")
        int batchSize;

        @Override
        public Integer call() throws IOException {
            int given = (texts != null ? 1 : 0) + (pairs != null ? 1 : 0) + (prompt != null || response != null ? 1 : 0);
            if (given != 1) {
                throw new IllegalArgumentException("give exactly one of --texts FILE, --pairs FILE or --prompt TEXT --response TEXT");
            }
            if ((prompt == null) != (response == null)) {
                throw new IllegalArgumentException("--prompt and --response go together");
            }
            if (batchSize < 1) {
                throw new IllegalArgumentException("--batch-size must be >= 1");
            }
            List<String> lines = texts != null ? lines(texts) : null;
            List<String> prompts = new ArrayList<>();
            List<String> responses = new ArrayList<>();
            if (pairs != null) {
                readPairs(pairs, prompts, responses);
            } else if (prompt != null) {
                prompts.add(prompt);
                responses.add(response);
            }
            PrintWriter out = spec.commandLine().getOut();
            ObjectMapper mapper = new ObjectMapper();
            try (NDManager manager = NDManager.newBaseManager(); RewardModel rm = RewardModel.load(model, tokenizer, manager, null)) {
                RewardModel.Options o = rm.options().withBatchSize(batchSize);
                rm.setOptions(raw ? o.withScoreOffset(0) : o);
                if (lines != null) {
                    double[] s = rm.scoreTexts(lines);
                    for (int i = 0; i < s.length; i++) {
                        ObjectNode row = mapper.createObjectNode().put("text", lines.get(i)).put("score", s[i]);
                        out.println(json ? mapper.writeValueAsString(row) : format(s[i]));
                    }
                } else {
                    double[] s = rm.score(prompts, responses);
                    for (int i = 0; i < s.length; i++) {
                        ObjectNode row = mapper.createObjectNode().put("prompt", prompts.get(i)).put("response", responses.get(i))
                                .put("score", s[i]);
                        out.println(json ? mapper.writeValueAsString(row) : format(s[i]));
                    }
                }
            }
            out.flush();
            return 0;
        }
    }

    @Command(name = "eval", mixinStandardHelpOptions = true, sortOptions = false,
            description = {"Accuracy and margins of a reward model on comparisons (per negative kind when the data has kinds)."})
    static final class Eval implements Callable<Integer> {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Option(names = "--model", required = true, paramLabel = "DIR", description = "Reward model folder.")
        Path model;

        @Option(names = "--tokenizer", paramLabel = "DIR", description = "Tokenizer folder, if not the model folder.")
        Path tokenizer;

        @Option(names = "--data", required = true, paramLabel = "FILE", description = "Comparisons (any format of reward train).")
        Path data;

        @Option(names = "--format", description = "Data format (default: detect), see reward train --help.")
        String format;

        @Option(names = "--json", description = "Print the metrics as one JSON object.")
        boolean json;

        @Option(names = "--batch-size", defaultValue = "16", description = "Texts per forward pass (default ${DEFAULT-VALUE}).")
        int batchSize;

        @Override
        public Integer call() throws IOException {
            PrintWriter out = spec.commandLine().getOut();
            ComparisonFiles.Loaded loaded = ComparisonFiles.load(data, format, RewardMethod.DEFAULTS);
            spec.commandLine().getErr().println("reward: " + loaded.summary());
            try (NDManager manager = NDManager.newBaseManager(); RewardModel rm = RewardModel.load(model, tokenizer, manager, null)) {
                rm.setOptions(rm.options().withBatchSize(batchSize));
                EncodedComparisons encoded = EncodedComparisons.of(rm.encoder(), loaded.comparisons());
                RewardEvaluation e = RewardEvaluation.of(rm, encoded, 0);
                if (json) {
                    ObjectNode o = new ObjectMapper().valueToTree(e.toMetrics(""));
                    o.put("pairs", e.overall().pairs());
                    o.put("identical_skipped", e.identical());
                    out.println(new ObjectMapper().writeValueAsString(o));
                } else {
                    out.print(e.table());
                }
            }
            out.flush();
            return 0;
        }
    }

    private static final Pattern RUN_FINAL = Pattern.compile("(?:.*/)?runs/([^/]+)/final/?");

    /** The model folder, or a one-line error saying how to make it (the SFT stage's runs/NAME/final → configs/NAME.yaml). */
    static Path requireModel(String path, Path configFile) {
        if (path == null) {
            throw new IllegalArgumentException(configFile + ": set model_name_or_path (an SFT or pretrained model folder)");
        }
        Path dir = Path.of(path);
        if (Files.isRegularFile(dir.resolve("config.json"))) {
            return dir;
        }
        Matcher m = RUN_FINAL.matcher(path.replace('\\', '/'));
        String how = m.matches() ? "run ./trl4j sft --config configs/" + m.group(1) + ".yaml first, or"
                : "give";
        throw new IllegalArgumentException(path + ": no model folder (config.json); " + how
                + " --model_name_or_path=DIR to start from another model");
    }

    private static Path existing(String file, String key) {
        Path p = Path.of(file);
        if (!Files.isRegularFile(p)) {
            throw new IllegalArgumentException(file + ": no such file (" + key + ")");
        }
        return p;
    }

    /** Reference summaries as (prompt, completion) pairs, from a pairs or references file. */
    private static List<PromptCompletion> references(Path file) {
        List<PromptCompletion> out = new ArrayList<>();
        for (PromptReferences r : Datasets.loadReferences(file, ReadOptions.defaults()).rows()) {
            for (String ref : r.references()) {
                out.add(new PromptCompletion(r.prompt(), TldrFormat.completionAfter(r.prompt(), ref)));
            }
        }
        if (out.isEmpty()) {
            throw new IllegalArgumentException(file + ": no reference summaries (normalization_file)");
        }
        return out;
    }

    private static List<String> lines(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException(file + ": no such file");
        }
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        if (lines.isEmpty()) {
            throw new IllegalArgumentException(file + ": no texts");
        }
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).isEmpty()) {
                throw new IllegalArgumentException(file + ":" + (i + 1) + ": empty line (one text per line)");
            }
        }
        return lines;
    }

    private static void readPairs(Path file, List<String> prompts, List<String> responses) throws IOException {
        List<String> lines = lines(file);
        ObjectMapper mapper = new ObjectMapper();
        for (int i = 0; i < lines.size(); i++) {
            String where = file + ":" + (i + 1) + ": ";
            com.fasterxml.jackson.databind.JsonNode node;
            try {
                node = mapper.readTree(lines.get(i));
            } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                throw new IllegalArgumentException(where + "not valid JSON (" + e.getOriginalMessage() + ")");
            }
            if (node == null || !node.isObject()) {
                throw new IllegalArgumentException(where + "expected a JSON object {\"prompt\": ..., \"response\": ...}");
            }
            var p = node.get("prompt");
            var r = node.has("response") ? node.get("response") : node.get("completion");
            if (p == null || !p.isTextual() || r == null || !r.isTextual()) {
                throw new IllegalArgumentException(where + "needs text fields \"prompt\" and \"response\" (or \"completion\")");
            }
            prompts.add(p.asText());
            responses.add(r.asText());
        }
    }

    private static String format(double score) {
        return String.format(Locale.ROOT, "%.6f", score);
    }

    private static String duration(long seconds) {
        return seconds < 60 ? seconds + "s" : String.format(Locale.ROOT, "%dm%02ds", seconds / 60, seconds % 60);
    }
}
