package trl4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import trl4j.model.ModelWriter;
import trl4j.model.SequenceClassifier;
import trl4j.model.registry.Models;
import trl4j.train.MetricsSink;

/**
 * {@code trl4j ppo} end to end on the tiny golden GPT-2 (with a word-level tokenizer over its 512 ids) and a
 * reward model made from it: a trlX PPO YAML (modelled on trlX's summarize_rlhf config) runs unchanged,
 * with the run's paths as overrides; then the run resumes; errors are one line.
 */
class PpoCommandTest {

    static Path policy;
    static Path rewardModel;
    static Path prompts;

    @BeforeAll
    static void models(@TempDir Path tmp) throws Exception {
        policy = tmp.resolve("policy");
        Files.createDirectories(policy);
        Path golden = CliRun.golden("models/gpt2");
        for (String f : List.of("config.json", "generation_config.json", "model.safetensors")) {
            Files.copy(golden.resolve(f), policy.resolve(f));
        }
        writeTokenizer(policy, 512);
        rewardModel = tmp.resolve("rm");
        try (NDManager m = NDManager.newBaseManager(); SequenceClassifier rm = Models.loadClassifier(policy, m, 1, 7)) {
            ModelWriter.save(rm, rewardModel, policy);
        }
        prompts = tmp.resolve("prompts.jsonl");
        List<String> lines = new ArrayList<>();
        java.util.Random r = new java.util.Random(1);
        for (int i = 0; i < 24; i++) {
            lines.add("{\"prompt\": \"w" + (5 + r.nextInt(500)) + " w" + (5 + r.nextInt(500)) + " TL;DR:\", \"completion\": \" w"
                    + (5 + r.nextInt(500)) + "\"}");
        }
        Files.write(prompts, lines);
    }

    /** WordLevel tokenizer: <pad> 0, </s> 1, <unk> 2, TL;DR: 3, then w4 ... */
    static void writeTokenizer(Path dir, int vocab) throws Exception {
        ObjectMapper json = new ObjectMapper();
        ObjectNode root = json.createObjectNode();
        root.put("version", "1.0");
        root.putNull("truncation");
        root.putNull("padding");
        ArrayNode added = root.putArray("added_tokens");
        String[] specials = {"<pad>", "</s>", "<unk>"};
        for (int id = 0; id < 3; id++) {
            added.addObject().put("id", id).put("content", specials[id]).put("single_word", false).put("lstrip", false)
                    .put("rstrip", false).put("normalized", false).put("special", true);
        }
        root.putNull("normalizer");
        root.putObject("pre_tokenizer").put("type", "WhitespaceSplit");
        root.putNull("post_processor");
        root.putNull("decoder");
        ObjectNode model = root.putObject("model");
        model.put("type", "WordLevel");
        ObjectNode v = model.putObject("vocab");
        for (int id = 0; id < vocab; id++) {
            v.put(id < 3 ? specials[id] : id == 3 ? "TL;DR:" : "w" + id, id);
        }
        model.put("unk_token", "<unk>");
        Files.writeString(dir.resolve("tokenizer.json"), json.writeValueAsString(root));
        Files.writeString(dir.resolve("tokenizer_config.json"), "{\"eos_token\": \"</s>\", \"pad_token\": \"<pad>\", \"unk_token\": \"<unk>\"}");
    }

    static String trlxConfig(Path run) {
        return """
                train:
                  seq_length: 48
                  epochs: 3
                  total_steps: 100000
                  batch_size: 8

                  checkpoint_interval: 4
                  eval_interval: 8
                  checkpoint_dir: "%s"

                  pipeline: "PromptPipeline"
                  trainer: "AcceleratePPOTrainer"

                model:
                  model_path: "%s"
                  num_layers_unfrozen: 1

                tokenizer:
                  tokenizer_path: "%s"
                  truncation_side: "left"

                optimizer:
                  name: "adamw"
                  kwargs:
                    lr: 1.0e-4
                    betas: [0.9, 0.999]
                    eps: 1.0e-8
                    weight_decay: 0.01

                scheduler:
                  name: "cosine_annealing"
                  kwargs:
                    T_max: 100000
                    eta_min: 1.0e-4

                method:
                  name: "ppoconfig"
                  num_rollouts: 16
                  chunk_size: 8
                  ppo_epochs: 2
                  init_kl_coef: 0.1
                  target: 6
                  horizon: 10000
                  gamma: 1
                  lam: 0.95
                  cliprange: 0.2
                  cliprange_value: 0.2
                  vf_coef: 0.2
                  scale_reward: False
                  ref_mean: None
                  ref_std: None
                  cliprange_reward: 10
                  gen_kwargs:
                    max_new_tokens: 6
                    top_k: 0.0
                    top_p: 1.0
                    do_sample: True
                """.formatted(run, policy, policy);
    }

    @Test
    void aTrlxConfigRunsUnchangedAndResumes(@TempDir Path tmp) throws Exception {
        Path run = tmp.resolve("run");
        Path config = tmp.resolve("ppo_config.yml");
        Files.writeString(config, trlxConfig(run));
        String[] paths = {"--reward_model_path=" + rewardModel, "--train_prompts=" + prompts, "--eval_prompts=" + prompts,
            "--num_eval_samples=4"};
        List<String> args = new ArrayList<>(List.of("ppo", "--config", config.toString()));
        args.addAll(List.of(paths));
        args.add("--train.epochs=2"); // 2 iterations (trlX's epochs), then the resume adds the third
        CliRun first = CliRun.of(args.toArray(String[]::new));
        assertEquals(0, first.exitCode(), first.err());
        assertTrue(first.out().contains("ppo: finished"), first.out());
        assertTrue(Files.isRegularFile(run.resolve("final").resolve("model.safetensors")));
        assertTrue(Files.isRegularFile(run.resolve("final").resolve("value_head.safetensors")));
        assertTrue(Files.isRegularFile(run.resolve("report.json")));
        // checkpoint_interval 4 optimizer steps = 1 iteration of 2 epochs x 2 minibatches.
        assertTrue(Files.isDirectory(run.resolve("checkpoints").resolve("step-1")));
        assertTrue(Files.isDirectory(run.resolve("checkpoints").resolve("step-2")));
        assertTrue(Files.readString(run.resolve("resolved-config.yaml")).contains("kl_coef: 0.1"));

        args.set(args.size() - 1, "--train.epochs=3");
        args.add("--resume");
        CliRun resumed = CliRun.of(args.toArray(String[]::new));
        assertEquals(0, resumed.exitCode(), resumed.err());
        assertTrue(Files.isDirectory(run.resolve("checkpoints").resolve("step-3")));
        List<Long> steps = MetricsSink.read(run.resolve(MetricsSink.FILE)).stream().map(MetricsSink.Entry::step).toList();
        assertEquals(List.of(0L, 1L, 2L, 3L), steps);
    }

    @Test
    void userErrorsAreOneLine(@TempDir Path tmp) throws Exception {
        CliRun noPolicy = CliRun.of("ppo", "--reward_model_path=" + rewardModel);
        assertEquals(1, noPolicy.exitCode());
        assertTrue(noPolicy.err().startsWith("trl4j: error: no policy"), noPolicy.err());
        assertEquals(1, noPolicy.errLines().length, noPolicy.err());
        CliRun typo = CliRun.of("ppo", "--kl_coeff=0.1");
        assertEquals(1, typo.exitCode());
        assertTrue(typo.err().contains("did you mean '--kl_coef'"), typo.err());
        CliRun noReward = CliRun.of("ppo", "--model_name_or_path=" + policy, "--output_dir=" + tmp.resolve("r"));
        assertEquals(1, noReward.exitCode());
        assertTrue(noReward.err().contains("reward_model_path"), noReward.err());
        CliRun notRm = CliRun.of("ppo", "--model_name_or_path=" + policy, "--reward_model_path=" + policy, "--train_prompts=" + prompts,
                "--output_dir=" + tmp.resolve("r"));
        assertEquals(1, notRm.exitCode());
        assertTrue(notRm.err().contains("not a reward model"), notRm.err());
    }
}
