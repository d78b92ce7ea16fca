package trl4j.cli;

import ai.djl.ndarray.NDManager;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import trl4j.config.ConfigLoader;
import trl4j.data.PromptReferences;
import trl4j.model.LanguageModel;
import trl4j.model.registry.Models;
import trl4j.tokenizer.Tokenizer;
import trl4j.train.ppo.PpoConfig;
import trl4j.train.ppo.PpoMethod;
import trl4j.train.ppo.PpoModels;
import trl4j.train.ppo.PpoTrainer;
import trl4j.train.ppo.PromptSources;
import trl4j.train.reward.RewardModel;

/** {@code trl4j ppo}: PPO against a reward model with a KL penalty, from a YAML config (trlX or TRL layout). */
@Command(name = "ppo", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"PPO (stage 3): optimise a policy against a reward model with a KL penalty to its start.",
            "The per-token KL penalty is to the frozen initial policy. Decoder-only (GPT-2, Llama, Qwen2) and encoder-decoder (T5) policies.",
            "Config keys: TRL's names (kl_coef, num_ppo_epochs, response_length, whiten_rewards, kl_estimator,",
            "missing_eos_penalty, num_mini_batches, local_rollout_forward_batch_size, stop_token_id, ...) or a trlX file",
            "(train, model, tokenizer, optimizer, scheduler, method: {name: ppoconfig, num_rollouts, chunk_size,",
            "ppo_epochs, init_kl_coef, target, horizon, gamma, lam, cliprange, cliprange_value, vf_coef, scale_reward,",
            "ref_mean, ref_std, cliprange_reward, gen_kwargs}) unchanged.",
            "The policy is sft_model_path (or model_name_or_path), the reward model reward_model_path; prompts are",
            "train_prompts (a file, or debian-tldr:<split>). Overrides: --key=value, e.g. --kl_coef=0.1 --ppo.target=6."},
        footer = {"", "Run folder: resolved-config.yaml, metrics.jsonl, samples/step-N.jsonl, checkpoints/, plots/, report.json,",
            "final/ (the policy as a Hugging Face folder + value_head.safetensors).", "", "Examples:",
            "  ./trl4j ppo --config configs/ppo-debian.yaml",
            "  ./trl4j ppo --config configs/ppo-debian.yaml --resume",
            "  ./trl4j ppo --config configs/ppo-t5-small-tldr.yaml --model.model_path=/models/t5-sft"})
final class PpoCommand implements Callable<Integer> {

    @Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--config", paramLabel = "FILE", description = "YAML config (default: only defaults and overrides).")
    Path config;

    @Option(names = "--resume", description = "Continue from the latest checkpoint in output_dir.")
    boolean resume;

    @CommandLine.Unmatched
    List<String> overrides = new ArrayList<>();

    @Override
    public Integer call() {
        Overrides.requireKeyValue(overrides, "overrides are --key=value");
        List<String> all = new ArrayList<>(overrides);
        if (resume) {
            all.add("--resume_from_checkpoint=latest");
        }
        PpoConfig cfg = PpoConfig.load(config, all);
        PpoMethod m = cfg.method();
        Path home = Path.of(System.getProperty("trl4j.home", ".")).toAbsolutePath().normalize();
        Path policyDir = policyPath(cfg);
        if (m.rewardModelPath() == null) {
            throw new IllegalArgumentException("reward_model_path is not set: the folder of a reward model (./trl4j reward train)");
        }
        Path tokenizerDir = cfg.training().tokenizer().tokenizerPath() != null ? Path.of(cfg.training().tokenizer().tokenizerPath()) : policyDir;
        List<PromptReferences> train = PromptSources.load(m.trainPrompts(), home);
        List<PromptReferences> eval = m.evalPrompts() == null ? List.of() : PromptSources.load(m.evalPrompts(), home);
        List<PromptReferences> test = m.testPrompts() == null ? List.of() : PromptSources.load(m.testPrompts(), home);
        PrintStream log = CommandLog.of(spec);
        log.println("ppo: resolved config (saved to " + Path.of(cfg.training().run().outputDir()).resolve(ConfigLoader.RESOLVED_FILE) + "):");
        log.print(cfg.toYaml());
        PrintWriter out = spec.commandLine().getOut();
        long started = System.nanoTime();
        try (NDManager manager = NDManager.newBaseManager(); Tokenizer tokenizer = Tokenizer.load(tokenizerDir);
                LanguageModel policy = Models.load(policyDir, manager);
                RewardModel reward = RewardModel.load(Path.of(m.rewardModelPath()), manager)
                        .batchSize(cfg.training().loop().perDeviceEvalBatchSize());
                PpoModels.Critic critic = m.valueModelPath() == null ? null
                        : PpoModels.loadCritic(Path.of(m.valueModelPath()), manager, cfg.training().run().seed());
                PpoTrainer trainer = new PpoTrainer(policy, tokenizer, reward, train, cfg)) {
            var arch = cfg.training().model().modelArchType();
            if (arch != null && (arch == trl4j.config.ModelSettings.ArchType.SEQ2SEQ) != (policy instanceof trl4j.model.Seq2SeqLm)) {
                throw new IllegalArgumentException("model_arch_type = " + arch.name().toLowerCase(Locale.ROOT) + " but " + policyDir
                        + " holds a " + policy.config().modelType() + " model");
            }
            trainer.evalPrompts(eval).testPrompts(test).log(log);
            if (critic != null) {
                trainer.critic(critic.trunk(), critic.head());
            }
            PpoTrainer.Result r = trainer.train();
            double minutes = (System.nanoTime() - started) / 6e10;
            out.printf(Locale.ROOT, "ppo: %s in %.1f min%n", r.stopped() ? "stopped (checkpoint saved; --resume continues)" : "finished", minutes);
            print(out, "last", r.lastMetrics(), List.of("objective/scores", "objective/kl", "objective/kl_coef", "objective/rlhf_reward",
                    "eval/scores", "eval/kl", "eval/rougeL"));
            if (!r.report().isEmpty()) {
                print(out, "report", r.report(), new ArrayList<>(r.report().keySet()));
            }
            if (r.finalModel() != null) {
                out.println("model: " + r.finalModel());
            }
            out.println("run folder: " + r.runDir() + " (metrics.jsonl, samples/, checkpoints/, plots/, report.json)");
        }
        out.flush();
        return 0;
    }

    private static Path policyPath(PpoConfig cfg) {
        String sft = cfg.method().sftModelPath();
        String model = cfg.training().model().modelNameOrPath();
        if (sft != null && model != null && !Path.of(sft).normalize().equals(Path.of(model).normalize())) {
            throw new IllegalArgumentException("sft_model_path = " + sft + " and model_name_or_path = " + model + " name different policies; keep one");
        }
        String p = sft != null ? sft : model;
        if (p == null) {
            throw new IllegalArgumentException("no policy: set sft_model_path (or model_name_or_path / trlX model.model_path) to a model folder");
        }
        Path dir = Path.of(p);
        if (!Files.isDirectory(dir)) {
            throw new IllegalArgumentException(dir + ": no such policy folder (train one with ./trl4j sft)");
        }
        return dir;
    }

    private static void print(PrintWriter out, String what, Map<String, Double> metrics, List<String> keys) {
        StringBuilder b = new StringBuilder(what).append(':');
        for (String k : keys) {
            Double v = metrics.get(k);
            if (v != null) {
                b.append(String.format(Locale.ROOT, " %s %.4f", k, v));
            }
        }
        out.println(b);
    }
}
