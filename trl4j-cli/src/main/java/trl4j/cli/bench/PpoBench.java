package trl4j.cli.bench;

import ai.djl.ndarray.NDManager;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import trl4j.checkpoint.AtomicFiles;
import trl4j.data.PromptReferences;
import trl4j.model.LanguageModel;
import trl4j.model.SequenceClassifier;
import trl4j.model.WeightSpec;
import trl4j.model.gpt2.Gpt2Config;
import trl4j.model.registry.Models;
import trl4j.tokenizer.Tokenizer;
import trl4j.train.ppo.PpoConfig;
import trl4j.train.ppo.PpoTrainer;
import trl4j.train.reward.RewardModel;

/**
 * One PPO iteration of the production trainer ({@link PpoTrainer#step}) on DESIGN.md's GPT-2 bench shape
 * (6 × 512, 8 heads, vocabulary 16384; random weights): 16 prompts of 128 tokens, 64 sampled tokens each
 * (EOS suppressed, top_k 0), scoring by the policy (with trlX's value head), a full-copy reference and a
 * reward model of the same shape, then 4 PPO epochs over minibatches of 8. A word-level tokenizer maps
 * the 16384 ids to words one-to-one, so the text round trip costs what it costs in production.
 */
public final class PpoBench {

    /** Seconds per phase of the best iteration, and the iteration total. */
    public record Result(Map<String, Double> seconds) {}

    private PpoBench() {}

    public static Result run(int batchSize, int promptLength, int newTokens, int epochs, int miniBatch, int repeats) {
        Gpt2Config shape = GenerateBench.benchShape();
        Path dir;
        try {
            dir = Files.createTempDirectory("trl4j-ppo-bench");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        try (NDManager manager = NDManager.newBaseManager();
                LanguageModel policy = Models.initialize(shape, manager, 0);
                LanguageModel rmTrunk = Models.initialize(shape, manager, 1);
                Tokenizer tokenizer = Tokenizer.load(writeTokenizer(dir, shape.vocabSize()))) {
            rmTrunk.parameters().put(WeightSpec.of(SequenceClassifier.SCORE, 1, shape.nEmbd()),
                    SequenceClassifier.newScoreWeight(rmTrunk.parameters().manager(), 1, shape.nEmbd(), 0.02, 2));
            SequenceClassifier rm = new SequenceClassifier((trl4j.model.CausalLm) rmTrunk, 1, shape.padTokenId());
            Random random = new Random(1);
            List<PromptReferences> prompts = new ArrayList<>();
            for (int i = 0; i < batchSize; i++) {
                StringBuilder p = new StringBuilder();
                for (int t = 0; t < promptLength; t++) {
                    p.append(t == 0 ? "" : " ").append("w").append(3 + random.nextInt(shape.vocabSize() - 3));
                }
                prompts.add(new PromptReferences(p.toString(), List.of("w5")));
            }
            PpoConfig config = PpoConfig.defaults("--output_dir=" + dir.resolve("run"), "--num_rollouts=" + batchSize,
                    "--per_device_train_batch_size=" + miniBatch, "--num_ppo_epochs=" + epochs, "--response_length=" + newTokens,
                    "--gen_kwargs.min_new_tokens=" + newTokens, "--gen_kwargs.top_k=0", "--local_rollout_forward_batch_size=" + batchSize,
                    "--max_prompt_length=" + promptLength, "--max_grad_norm=1.0", "--learning_rate=1e-5", "--max_steps=" + (1 + repeats));
            Map<String, Double> best = new LinkedHashMap<>();
            // The reward model wraps the classifier and tokenizer closed below; it owns nothing of its own.
            RewardModel reward = new RewardModel(rm, tokenizer, RewardModel.Options.DEFAULTS.withBatchSize(batchSize));
            try (PpoTrainer trainer = new PpoTrainer(policy, tokenizer, reward, prompts, config).log(new PrintStream(PrintStream.nullOutputStream()))) {
                for (int step = 1; step <= 1 + repeats; step++) {
                    Map<String, Double> m = trainer.step(step); // the first is a warm-up
                    if (step == 1) {
                        continue;
                    }
                    for (String k : List.of("time/generate", "time/reward", "time/score", "time/train", "time/iteration")) {
                        best.merge(k, m.get(k), Math::min);
                    }
                }
            }
            return new Result(best);
        } finally {
            AtomicFiles.deleteRecursively(dir);
        }
    }

    /** tokenizer.json: WordLevel, whitespace split; <pad> 0, </s> 1, <unk> 2, then w3 … */
    static Path writeTokenizer(Path dir, int vocab) {
        StringBuilder v = new StringBuilder("{\"<pad>\":0,\"</s>\":1,\"<unk>\":2");
        for (int id = 3; id < vocab; id++) {
            v.append(",\"w").append(id).append("\":").append(id);
        }
        v.append('}');
        String added = "[" + String.join(",", List.of(token(0, "<pad>"), token(1, "</s>"), token(2, "<unk>"))) + "]";
        String json = "{\"version\":\"1.0\",\"truncation\":null,\"padding\":null,\"added_tokens\":" + added
                + ",\"normalizer\":null,\"pre_tokenizer\":{\"type\":\"WhitespaceSplit\"},\"post_processor\":null,\"decoder\":null,"
                + "\"model\":{\"type\":\"WordLevel\",\"vocab\":" + v + ",\"unk_token\":\"<unk>\"}}";
        AtomicFiles.writeString(dir.resolve("tokenizer.json"), json);
        AtomicFiles.writeString(dir.resolve("tokenizer_config.json"), "{\"eos_token\":\"</s>\",\"pad_token\":\"<pad>\",\"unk_token\":\"<unk>\"}");
        return dir;
    }

    private static String token(int id, String content) {
        return "{\"id\":" + id + ",\"content\":\"" + content + "\",\"single_word\":false,\"lstrip\":false,\"rstrip\":false,"
                + "\"normalized\":false,\"special\":true}";
    }
}
