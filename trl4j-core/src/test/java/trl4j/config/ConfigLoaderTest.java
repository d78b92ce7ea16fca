package trl4j.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import trl4j.config.DemoMethods.GenKwargs;
import trl4j.config.DemoMethods.PpoMethod;
import trl4j.config.DemoMethods.SftMethod;
import trl4j.config.ScheduleSettings.Type;

class ConfigLoaderTest {

    static final ConfigLoader<PpoMethod> PPO = new ConfigLoader<>(DemoMethods.PPO);
    static final ConfigLoader<SftMethod> SFT = new ConfigLoader<>(DemoMethods.SFT);

    /** trlX's default_ppo_config, as YAML (trlX writes numbers like 1.0e-6; some files use 1e12). */
    static final String TRLX_PPO = """
            train:
              seq_length: 1024
              epochs: 100
              total_steps: 10000
              batch_size: 32
              checkpoint_interval: 10000
              eval_interval: 100
              pipeline: PromptPipeline
              trainer: AcceleratePPOTrainer
              tracker: wandb
            model:
              model_path: lvwerra/gpt2-imdb
              num_layers_unfrozen: 2
            tokenizer:
              tokenizer_path: gpt2
              truncation_side: right
            optimizer:
              name: adamw
              kwargs:
                lr: 3.0e-5
                betas: [0.9, 0.95]
                eps: 1.0e-8
                weight_decay: 1.0e-6
            scheduler:
              name: cosine_annealing
              kwargs:
                T_max: 1e12
                eta_min: 3.0e-5
            method:
              name: PPOConfig
              ppo_epochs: 4
              init_kl_coef: 0.001
              target: null
              horizon: 10000
              cliprange: 0.2
              scale_reward: ignored
              gen_kwargs:
                max_new_tokens: 40
                top_k: 0
                top_p: 1.0
                do_sample: true
            """;

    @Test
    void defaultsAreTheRecordDefaultsWithTheStagesOwn() {
        StageConfig<SftMethod> c = SFT.defaults();
        assertEquals("sft", c.stage());
        assertEquals(2e-5, c.training().optimizer().learningRate());
        assertEquals("runs/sft", c.training().run().outputDir());
        assertEquals(10, c.training().run().loggingSteps());
        assertNull(c.training().run().evalSteps());
        assertEquals(10, c.training().run().evalInterval(), "eval_steps defaults to logging_steps (HF)");
        assertEquals(TrainingConfig.DEFAULTS.loop(), c.training().loop());
        assertEquals(TrainingConfig.DEFAULTS.schedule(), c.training().schedule());
        assertEquals(SftMethod.DEFAULTS, c.method());
    }

    @Test
    void trlxLayoutMapsOntoCanonicalKeys() {
        LoadedConfig<PpoMethod> loaded = PPO.parse(TRLX_PPO, "ppo.yaml", List.of());
        assertTrue(loaded.trlxLayout());
        TrainingConfig t = loaded.config().training();
        assertEquals(1024, t.loop().maxLength());
        assertEquals(100.0, t.loop().numTrainEpochs());
        assertEquals(10000, t.loop().maxSteps());
        assertEquals(32, t.loop().perDeviceTrainBatchSize());
        assertEquals(1, t.loop().gradientAccumulationSteps());
        assertEquals(10000, t.run().saveSteps());
        assertEquals(100, t.run().evalInterval());
        assertEquals("lvwerra/gpt2-imdb", t.model().modelNameOrPath());
        assertEquals(2, t.model().numLayersUnfrozen());
        assertEquals("gpt2", t.tokenizer().tokenizerPath());
        assertEquals(new OptimizerSettings("adamw", 3e-5, 0.9, 0.95, 1e-8, 1e-6), t.optimizer());
        assertEquals(Type.COSINE_ANNEALING, t.schedule().lrSchedulerType());
        assertEquals(1e12, t.schedule().lrSchedulerKwargs().tMax());
        assertEquals(3e-5, t.schedule().lrSchedulerKwargs().etaMin());
        // Where trlX/torch default differently from HF, a trlX file gets trlX's behaviour.
        assertEquals(1000, t.run().seed());
        assertEquals(0.0, t.loop().maxGradNorm());
        assertEquals(TokenizerSettings.Side.LEFT, t.tokenizer().paddingSide());
        // The stage's default still applies where trlX has none.
        assertEquals("runs/ppo", t.run().outputDir());
        assertEquals(new PpoMethod(4, 0.001, null, 10000, 0.2, "ignored", new GenKwargs(40, 0, 1.0, true)),
                loaded.config().method());
        assertEquals(3, loaded.notes().size(), loaded.notes().toString());
        assertTrue(loaded.notes().get(0).startsWith("ppo.yaml: train.pipeline is ignored"), loaded.notes().get(0));
    }

    @Test
    void flatTrlLayoutMapsOntoTheSameRecords() {
        String yaml = """
                learning_rate: 1.41e-5
                per_device_train_batch_size: 4
                gradient_accumulation_steps: 8
                num_train_epochs: 2
                max_steps: -1
                warmup_ratio: 0.1
                lr_scheduler_type: cosine
                max_grad_norm: 0.5
                logging_steps: 5
                eval_steps: 50
                save_steps: 100
                save_total_limit: 2
                output_dir: runs/x
                max_length: 512
                completion_only_loss: false
                seed: 7
                weight_decay: 0.1
                adam_beta1: 0.8
                adam_beta2: 0.99
                adam_epsilon: 1e-6
                bf16: false
                report_to: none
                """;
        LoadedConfig<SftMethod> loaded = SFT.parse(yaml, "sft.yaml", List.of());
        assertFalse(loaded.trlxLayout());
        TrainingConfig t = loaded.config().training();
        assertEquals(new OptimizerSettings("adamw", 1.41e-5, 0.8, 0.99, 1e-6, 0.1), t.optimizer());
        assertEquals(new LoopSettings(4, 8, 8, 2.0, -1, 512, 0.5, 10), t.loop());
        assertEquals(32, t.loop().effectiveBatchSize());
        assertEquals(Type.COSINE, t.schedule().lrSchedulerType());
        assertEquals(0.1, t.schedule().warmupRatio());
        assertEquals(5, t.run().loggingSteps());
        assertEquals(50, t.run().evalInterval());
        assertEquals(100, t.run().saveSteps());
        assertEquals(2, t.run().saveTotalLimit());
        assertEquals("runs/x", t.run().outputDir());
        assertEquals(7, t.run().seed());
        assertFalse(loaded.config().method().completionOnlyLoss());
        assertEquals(List.of("sft.yaml: report_to is ignored (trl4j logs to metrics.jsonl and PNG plots in the run folder)"),
                loaded.notes());
    }

    @Test
    void overridesInEitherLayoutAreTypedByTheirKey() {
        StageConfig<PpoMethod> c = PPO.parse(TRLX_PPO, "ppo.yaml", List.of("--train.batch_size=16",
                "--learning_rate=3e-4", "--method.gen_kwargs.max_new_tokens=24", "--init_kl_coef", "0.2",
                "--scheduler.kwargs.T_max=100", "--gen_kwargs.do_sample=false", "--optimizer.kwargs.betas=[0.8, 0.9]")).config();
        assertEquals(16, c.training().loop().perDeviceTrainBatchSize());
        assertEquals(3e-4, c.training().optimizer().learningRate());
        assertEquals(0.8, c.training().optimizer().adamBeta1());
        assertEquals(0.9, c.training().optimizer().adamBeta2());
        assertEquals(100.0, c.training().schedule().lrSchedulerKwargs().tMax());
        assertEquals(new GenKwargs(24, 0, 1.0, false), c.method().genKwargs());
        assertEquals(0.2, c.method().klCoef());
        StageConfig<PpoMethod> prefixed = PPO.parse("", "ppo.yaml", List.of("--ppo.kl_coef=0.1", "--ppo.seed=5")).config();
        assertEquals(0.1, prefixed.method().klCoef(), "DESIGN.md's --ppo.kl_coef form");
        assertEquals(5, prefixed.training().run().seed());
        // trlX names on a flat file, free-form map values typed as YAML reads them.
        StageConfig<SftMethod> s = SFT.parse("learning_rate: 1e-4\n", "sft.yaml",
                List.of("--train.seq_length=128", "--method.gen_kwargs.max_new_tokens=24", "--optimizer.kwargs.lr=5e-4")).config();
        assertEquals(128, s.training().loop().maxLength());
        assertEquals(5e-4, s.training().optimizer().learningRate());
        assertEquals(Map.of("max_new_tokens", 24), s.method().genKwargs());
    }

    @Test
    void trlxMinibatchSizeBecomesGradientAccumulation() {
        StageConfig<PpoMethod> c = PPO.parse(TRLX_PPO.replace("  batch_size: 32\n", "  batch_size: 32\n  minibatch_size: 8\n"),
                "ppo.yaml", List.of()).config();
        assertEquals(8, c.training().loop().perDeviceTrainBatchSize());
        assertEquals(4, c.training().loop().gradientAccumulationSteps());
        assertEquals(32, c.training().loop().effectiveBatchSize());
        ConfigException e = ConfigTestSupport.fails(() -> PPO.parse(TRLX_PPO.replace("  batch_size: 32\n",
                "  batch_size: 32\n  minibatch_size: 5\n"), "ppo.yaml", List.of()));
        assertEquals("ppo.yaml: train.minibatch_size = 5: must be >= 1 and divide train.batch_size = 32", e.getMessage());
    }

    @Test
    void trlxLinearSchedulerIsTorchLinearLr() {
        StageConfig<PpoMethod> c = PPO.parse("scheduler:\n  name: linear\n  kwargs: {start_factor: 0.5, total_iters: 10}\n",
                "ppo.yaml", List.of()).config();
        assertEquals(Type.LINEAR_LR, c.training().schedule().lrSchedulerType());
        assertEquals(0.5, c.training().schedule().lrSchedulerKwargs().startFactor());
        assertEquals(10, c.training().schedule().lrSchedulerKwargs().totalIters());
    }

    @Test
    void resolvedYamlLoadsBackToTheSameConfig(@TempDir Path dir) throws Exception {
        StageConfig<PpoMethod> ppo = PPO.parse(TRLX_PPO, "ppo.yaml", List.of("--seed=3")).config();
        String yaml = PPO.toYaml(ppo);
        assertTrue(yaml.contains("\nlearning_rate: 3.0E-5\n"), yaml);
        assertTrue(yaml.contains("\nlr_scheduler_type: cosine_annealing\n"), yaml);
        assertEquals(ppo, PPO.parse(yaml, "resolved", List.of()).config());
        StageConfig<SftMethod> sft = SFT.parse("run_name: x\n", "s.yaml", List.of("--method.gen_kwargs.stop=\"1e-4\"",
                "--gen_kwargs.big=1e12", "--metric_for_best_model=eval_loss")).config();
        Path file = SFT.save(sft, dir);
        assertEquals(dir.resolve("resolved-config.yaml"), file);
        assertEquals(sft, SFT.load(file, List.of()).config());
        assertEquals("1e-4", sft.method().genKwargs().get("stop"), "a quoted number stays a string");
        assertEquals(Boolean.FALSE, sft.training().run().greaterIsBetter(), "a loss is better when lower (HF)");
        try (var files = Files.list(dir)) {
            assertEquals(1, files.count(), "no temporary file left");
        }
    }

    @Test
    void noFileMeansDefaultsPlusOverrides() {
        StageConfig<SftMethod> c = SFT.load(null, List.of("--max_steps=3")).config();
        assertEquals(3, c.training().loop().maxSteps());
        assertNull(c.training().model().modelNameOrPath());
    }
}
