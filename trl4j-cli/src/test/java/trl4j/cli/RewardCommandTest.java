package trl4j.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import trl4j.checkpoint.ConfigJson;
import trl4j.checkpoint.SafeTensorsFile;
import trl4j.config.StageConfig;
import trl4j.data.Comparison;
import trl4j.data.debian.DebianTldr;
import trl4j.model.LanguageModel;
import trl4j.model.ModelWriter;
import trl4j.model.gpt2.Gpt2Config;
import trl4j.model.registry.Models;
import trl4j.tokenizer.BpeTrainer;
import trl4j.tokenizer.BpeTrainerConfig;
import trl4j.train.reward.RewardMethod;
import trl4j.train.reward.RewardModel;

/**
 * {@code trl4j reward}: parity of {@code score --texts} with an independent PyTorch computation on a
 * GPT2ForSequenceClassification checkpoint, an end-to-end {@code train} on a tiny model, {@code score}
 * and {@code eval} on its output, the ready configs, and one-line errors.
 */
class RewardCommandTest {

    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path dir;
    static Path tinyLm;
    static Path trainFile;
    static Path validationFile;

    @BeforeAll
    static void tinyModelAndData() throws IOException {
        List<Comparison> all = DebianTldr.comparisons(Path.of(""), "validation");
        BpeTrainer bpe = new BpeTrainer(BpeTrainerConfig.defaults().withVocabSize(400));
        for (Comparison c : all.subList(0, 200)) {
            bpe.add(c.prompt() + c.chosen());
        }
        Path tok = dir.resolve("tok");
        bpe.train().save(tok);
        tinyLm = dir.resolve("lm");
        try (NDManager m = NDManager.newBaseManager();
                LanguageModel lm = Models.initialize(Gpt2Config.of(400, 128, 32, 2, 2, 1, 1, 0), m, 3)) {
            ModelWriter.save(lm, tinyLm, tok);
        }
        trainFile = writeComparisons(dir.resolve("train.jsonl"), all.subList(40, 72));
        validationFile = writeComparisons(dir.resolve("validation.jsonl"), all.subList(0, 10));
    }

    static Path writeComparisons(Path file, List<Comparison> rows) throws IOException {
        StringBuilder b = new StringBuilder();
        for (Comparison c : rows) {
            b.append(JSON.writeValueAsString(JSON.createObjectNode().put("prompt", c.prompt()).put("chosen", c.chosen())
                    .put("rejected", c.rejected()).put("kind", c.kind()))).append('\n');
        }
        Files.writeString(file, b.toString());
        return file;
    }

    /**
     * Parity: our GPT2ForSequenceClassification folder (golden gpt2-text + a score head) scored by
     * {@code reward score --texts} equals a plain-PyTorch float64 forward on Hugging Face's token ids
     * (make_parity_expected.py, run once with Debian's python3-torch) within 1e-4 relative.
     */
    @Test
    void scoreTextsMatchesAnIndependentPyTorchComputation() throws IOException {
        JsonNode expected = JSON.readTree(RewardCommandTest.class.getResourceAsStream("/reward/parity_expected.json"));
        Path golden = CliRun.golden("models/gpt2-text");
        Path rmDir = dir.resolve("gpt2-rm");
        float[] w = new float[expected.get("score_weight").size()];
        for (int i = 0; i < w.length; i++) {
            w[i] = (float) expected.get("score_weight").get(i).asDouble();
        }
        try (NDManager m = NDManager.newBaseManager(); RewardModel rm = RewardModel.fromPretrained(golden, null, m, 0,
                RewardModel.Options.DEFAULTS)) {
            rm.model().parameters().get("score.weight").set(w);
            rm.save(rmDir);
        }
        // Layout: the golden GPT-2's tensors, byte for byte (Conv1D (in, out) kept), plus score.weight (1, n_embd).
        try (SafeTensorsFile ours = SafeTensorsFile.open(rmDir.resolve("model.safetensors"));
                SafeTensorsFile theirs = SafeTensorsFile.open(golden.resolve("model.safetensors"));
                NDManager m = NDManager.newBaseManager()) {
            List<String> want = new ArrayList<>(theirs.names());
            want.add("score.weight");
            assertEquals(want.stream().sorted().toList(), ours.names().stream().sorted().toList());
            for (String name : theirs.names()) {
                assertArrayEquals(theirs.info(name).shape(), ours.info(name).shape(), name);
                assertArrayEquals(theirs.read(name, m).toFloatArray(), ours.read(name, m).toFloatArray(), name);
            }
            assertArrayEquals(new long[] {1, 64}, ours.info("score.weight").shape());
        }
        ConfigJson config = ConfigJson.read(rmDir.resolve("config.json"));
        assertEquals(List.of("GPT2ForSequenceClassification"), config.getStrings("architectures"));
        assertEquals(expected.get("pad_token_id").asInt(), config.getIntOrNull("pad_token_id"));
        assertEquals(1, config.getNode("id2label").size());

        Path texts = dir.resolve("texts.txt");
        StringBuilder b = new StringBuilder();
        expected.get("cases").forEach(c -> b.append(c.get("text").asText()).append('\n'));
        Files.writeString(texts, b.toString());
        CliRun r = CliRun.of("reward", "score", "--model", rmDir.toString(), "--texts", texts.toString(), "--json", "--batch-size", "4");
        assertEquals(0, r.exitCode(), r.err());
        String[] lines = r.out().strip().split("\n");
        assertEquals(expected.get("cases").size(), lines.length);
        for (int i = 0; i < lines.length; i++) {
            JsonNode got = JSON.readTree(lines[i]);
            JsonNode want = expected.get("cases").get(i);
            assertEquals(want.get("text").asText(), got.get("text").asText());
            double s = want.get("score").asDouble();
            assertEquals(s, got.get("score").asDouble(), 1e-4 * Math.abs(s), "text " + i + ": " + want.get("text").asText());
        }
    }

    @Test
    void trainScoreAndEvalEndToEnd() throws IOException {
        Path run = dir.resolve("run");
        Path config = dir.resolve("rm.yaml");
        Files.writeString(config, String.join("\n",
                "model_name_or_path: " + tinyLm,
                "train_file: " + trainFile,
                "validation_file: " + validationFile,
                "output_dir: " + run,
                "max_length: 96",
                "per_device_train_batch_size: 4",
                "gradient_accumulation_steps: 2",
                "max_steps: 6",
                "learning_rate: 3.0e-3",
                "logging_steps: 2",
                "eval_steps: 3",
                "save_steps: 3",
                ""));
        CliRun train = CliRun.of("reward", "train", "--config", config.toString(), "--seed=5");
        assertEquals(0, train.exitCode(), train.err());
        assertTrue(train.out().contains("reward: finished after 6 of 6 steps"), train.out());
        assertTrue(train.err().contains("32 rows"), train.err());
        for (String f : List.of("resolved-config.yaml", "metrics.jsonl", "eval_results.json", "final/config.json",
                "final/model.safetensors", "final/tokenizer.json", "checkpoints/step-6/optimizer.safetensors", "plots/loss.png",
                "plots/accuracy.png")) {
            assertTrue(Files.isRegularFile(run.resolve(f)), f);
        }
        assertTrue(Files.readString(run.resolve("resolved-config.yaml")).contains("seed: 5"));

        // Resuming a finished run redoes only the final steps and changes nothing.
        byte[] weights = Files.readAllBytes(run.resolve("final/model.safetensors"));
        CliRun again = CliRun.of("reward", "train", "--config", config.toString(), "--seed=5", "--resume");
        assertEquals(0, again.exitCode(), again.err());
        assertArrayEquals(weights, Files.readAllBytes(run.resolve("final/model.safetensors")));

        Path model = run.resolve("final");
        Comparison c = DebianTldr.comparisons(Path.of(""), "validation").get(0);
        CliRun one = CliRun.of("reward", "score", "--model", model.toString(), "--prompt", c.prompt(), "--response", c.chosen());
        assertEquals(0, one.exitCode(), one.err());
        double s = Double.parseDouble(one.out().strip());
        Path pairs = dir.resolve("pairs.jsonl");
        Files.writeString(pairs, JSON.writeValueAsString(JSON.createObjectNode().put("prompt", c.prompt()).put("response", c.chosen()))
                + "\n" + JSON.writeValueAsString(JSON.createObjectNode().put("prompt", c.prompt()).put("completion", c.rejected())) + "\n");
        CliRun two = CliRun.of("reward", "score", "--model", model.toString(), "--pairs", pairs.toString(), "--json");
        assertEquals(0, two.exitCode(), two.err());
        String[] lines = two.out().strip().split("\n");
        assertEquals(2, lines.length);
        assertEquals(s, JSON.readTree(lines[0]).get("score").asDouble(), 1e-6, "the same pair scores the same either way");

        CliRun eval = CliRun.of("reward", "eval", "--model", model.toString(), "--data", validationFile.toString());
        assertEquals(0, eval.exitCode(), eval.err());
        assertTrue(eval.out().contains("lead_copy"), eval.out());
        assertTrue(eval.out().lines().anyMatch(l -> l.startsWith("all ") && l.contains(" 10 ")), eval.out());
        CliRun evalJson = CliRun.of("reward", "eval", "--model", model.toString(), "--data", validationFile.toString(), "--json");
        JsonNode j = JSON.readTree(evalJson.out());
        JsonNode results = JSON.readTree(run.resolve("eval_results.json").toFile()).get("validation");
        assertEquals(results.get("eval_accuracy").asDouble(), j.get("accuracy").asDouble(), 1e-12,
                "eval on the validation file = the trainer's final evaluation");
        assertEquals(results.get("eval_margin").asDouble(), j.get("margin").asDouble(), 1e-6);
        assertEquals(10, j.get("pairs").asInt());
    }

    @Test
    void readyConfigsParse() {
        Path root = Path.of("..").toAbsolutePath().normalize();
        for (String name : List.of("rm-debian.yaml", "rm-tldr.yaml")) {
            StageConfig<RewardMethod> c = RewardMethod.loader().load(root.resolve("configs").resolve(name), List.of()).config();
            assertTrue(c.method().trainFile() != null && c.method().validationFile() != null, name);
            assertEquals("eval_accuracy", c.training().run().metricForBestModel(), name);
        }
        StageConfig<RewardMethod> debian = RewardMethod.loader().load(root.resolve("configs/rm-debian.yaml"),
                List.of("--model_name_or_path=/elsewhere")).config();
        assertEquals("/elsewhere", debian.training().model().modelNameOrPath());
    }

    @Test
    void userErrorsAreOneLine() throws IOException {
        Path config = dir.resolve("missing-model.yaml");
        Files.writeString(config, "model_name_or_path: runs/sft-debian/final\ntrain_file: " + trainFile + "\n");
        CliRun r = CliRun.of("reward", "train", "--config", config.toString());
        assertEquals(1, r.exitCode());
        assertEquals(1, r.errLines().length, r.err());
        assertTrue(r.err().contains("run ./trl4j sft --config configs/sft-debian.yaml first"), r.err());

        CliRun typo = CliRun.of("reward", "train", "--config", config.toString(), "--center_reward_coefficient=0.1");
        assertEquals(1, typo.exitCode());
        assertTrue(typo.err().contains("did you mean") && typo.err().contains("center_rewards_coefficient"), typo.err());

        CliRun lm = CliRun.of("reward", "score", "--model", tinyLm.toString(), "--prompt", "p", "--response", " r");
        assertEquals(1, lm.exitCode());
        assertTrue(lm.err().contains("not a reward model"), lm.err());

        CliRun both = CliRun.of("reward", "score", "--model", tinyLm.toString(), "--prompt", "p");
        assertEquals(1, both.exitCode());
        assertTrue(both.err().contains("--prompt and --response go together"), both.err());

        Path badPairs = dir.resolve("bad.jsonl");
        Files.writeString(badPairs, "{\"prompt\": \"p\"}\n");
        CliRun bad = CliRun.of("reward", "score", "--model", tinyLm.toString(), "--pairs", badPairs.toString());
        assertEquals(1, bad.exitCode());
        assertEquals("trl4j: error: " + badPairs + ":1: needs text fields \"prompt\" and \"response\" (or \"completion\")",
                bad.err().strip());
    }
}
