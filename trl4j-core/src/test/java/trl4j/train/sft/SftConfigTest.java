package trl4j.train.sft;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import trl4j.config.ConfigException;
import trl4j.config.ConfigLoader;
import trl4j.config.LoadedConfig;
import trl4j.config.ModelSettings;
import trl4j.config.OptimizerSettings;
import trl4j.config.ScheduleSettings;
import trl4j.config.StageConfig;
import trl4j.config.TokenizerSettings;
import trl4j.config.TrainingConfig;

/** SFT configs in TRL's flat layout and trlX's nested one, overrides, errors, and the shipped files. */
class SftConfigTest {

    static final ConfigLoader<SftMethod> LOADER = new ConfigLoader<>(SftMethod.SCHEMA);

    static LoadedConfig<SftMethod> parse(String yaml, String... overrides) {
        return LOADER.parse(yaml, "sft.yaml", List.of(overrides));
    }

    static String error(String yaml, String... overrides) {
        return assertThrows(ConfigException.class, () -> parse(yaml, overrides)).getMessage();
    }

    @Test
    void defaultsAreTrlsSftDefaults() {
        StageConfig<SftMethod> c = LOADER.defaults();
        assertEquals(2e-5, c.training().optimizer().learningRate(), "TRL SFTConfig learning_rate");
        assertEquals(1024, c.training().loop().maxLength(), "TRL SFTConfig max_length");
        assertTrue(c.method().completionOnlyLoss(), "TRL completion_only_loss");
        assertEquals(10, c.training().run().loggingSteps());
        assertEquals("runs/sft", c.training().run().outputDir());
        assertEquals(SftMethod.DEFAULTS, c.method());
    }

    @Test
    void trlFlatKeys() {
        StageConfig<SftMethod> c = parse("""
                model_name_or_path: preset:tiny-t5
                learning_rate: 3.0e-4
                per_device_train_batch_size: 4
                gradient_accumulation_steps: 2
                num_train_epochs: 2
                max_steps: 500
                warmup_ratio: 0.1
                lr_scheduler_type: cosine
                max_grad_norm: 0.5
                logging_steps: 5
                eval_steps: 50
                save_steps: 100
                save_total_limit: 2
                output_dir: runs/x
                max_length: 256
                completion_only_loss: false
                seed: 7
                metric_for_best_model: rougeL
                truncation_side: left
                gen_kwargs: {max_new_tokens: 12}
                """).config();
        TrainingConfig t = c.training();
        assertEquals("preset:tiny-t5", t.model().modelNameOrPath());
        assertEquals(3e-4, t.optimizer().learningRate());
        assertEquals(4, t.loop().perDeviceTrainBatchSize());
        assertEquals(2, t.loop().gradientAccumulationSteps());
        assertEquals(2.0, t.loop().numTrainEpochs());
        assertEquals(500, t.loop().maxSteps());
        assertEquals(0.1, t.schedule().warmupRatio());
        assertEquals(ScheduleSettings.Type.COSINE, t.schedule().lrSchedulerType());
        assertEquals(0.5, t.loop().maxGradNorm());
        assertEquals(5, t.run().loggingSteps());
        assertEquals(50, t.run().evalInterval());
        assertEquals(100, t.run().saveSteps());
        assertEquals(2, t.run().saveTotalLimit());
        assertEquals("runs/x", t.run().outputDir());
        assertEquals(256, t.loop().maxLength());
        assertFalse(c.method().completionOnlyLoss());
        assertEquals(7, t.run().seed());
        assertEquals("eval_rougeL", SftRunFolder.bestMetric(t.run()), "HF prefixes eval_");
        assertTrue(t.run().greaterIsBetter(), "a ROUGE grows");
        assertEquals(TokenizerSettings.Side.LEFT, t.tokenizer().truncationSide());
        assertEquals(12, c.method().genKwargs().maxNewTokens());
    }

    @Test
    void trlxNestedLayout() {
        LoadedConfig<SftMethod> loaded = parse("""
                train:
                  seq_length: 512
                  epochs: 3
                  total_steps: 2000
                  batch_size: 16
                  minibatch_size: 8
                  eval_interval: 200
                  checkpoint_interval: 400
                  checkpoint_dir: runs/trlx-sft
                  seed: 1000
                  tracker: wandb
                model:
                  model_path: t5-small
                  model_arch_type: seq2seq
                  num_layers_unfrozen: -1
                tokenizer:
                  tokenizer_path: t5-small
                  truncation_side: right
                optimizer:
                  name: adamw
                  kwargs: {lr: 1.0e-4, betas: [0.9, 0.95], eps: 1.0e-8, weight_decay: 1.0e-6}
                scheduler:
                  name: cosine_annealing
                  kwargs: {T_max: 2000, eta_min: 1.0e-6}
                method:
                  name: sftconfig
                  gen_kwargs: {max_new_tokens: 40, top_k: 0, top_p: 1.0, do_sample: true}
                """);
        assertTrue(loaded.trlxLayout());
        assertEquals(List.of("sft.yaml: train.tracker is ignored (trl4j logs to metrics.jsonl and PNG plots in the run folder)"),
                loaded.notes());
        TrainingConfig t = loaded.config().training();
        assertEquals(512, t.loop().maxLength());
        assertEquals(3.0, t.loop().numTrainEpochs());
        assertEquals(2000, t.loop().maxSteps());
        assertEquals(8, t.loop().perDeviceTrainBatchSize(), "trlX minibatch_size is the micro-batch");
        assertEquals(2, t.loop().gradientAccumulationSteps(), "batch_size / minibatch_size");
        assertEquals(200, t.run().evalInterval());
        assertEquals(400, t.run().saveSteps());
        assertEquals("runs/trlx-sft", t.run().outputDir());
        assertEquals(1000, t.run().seed());
        assertEquals("t5-small", t.model().modelNameOrPath());
        assertEquals(ModelSettings.ArchType.SEQ2SEQ, t.model().modelArchType());
        assertEquals("t5-small", t.tokenizer().tokenizerPath());
        assertEquals(new OptimizerSettings("adamw", 1e-4, 0.9, 0.95, 1e-8, 1e-6), t.optimizer());
        assertEquals(ScheduleSettings.Type.COSINE_ANNEALING, t.schedule().lrSchedulerType());
        assertEquals(2000.0, t.schedule().lrSchedulerKwargs().tMax());
        assertEquals(new SftMethod.GenKwargs(40, 0, true, 1.0, 0, 1.0, 1.0, 1.0), loaded.config().method().genKwargs());
        assertEquals(0.0, t.loop().maxGradNorm(), "trlX does not clip");
    }

    @Test
    void dottedOverridesInEitherLayout() {
        StageConfig<SftMethod> c = parse("learning_rate: 1.0e-3\n", "--train.batch_size=16", "--learning_rate=3e-4",
                "--method.gen_kwargs.max_new_tokens=12", "--sft.completion_only_loss=false", "--max_eval_samples", "50").config();
        assertEquals(16, c.training().loop().perDeviceTrainBatchSize());
        assertEquals(3e-4, c.training().optimizer().learningRate(), "the command line wins over the file");
        assertEquals(12, c.method().genKwargs().maxNewTokens());
        assertFalse(c.method().completionOnlyLoss());
        assertEquals(50, c.method().maxEvalSamples());
    }

    @Test
    void errorsNameTheKeyAndANearMiss() {
        assertEquals("sft.yaml: unknown key 'completion_only_los' for the sft stage (did you mean 'completion_only_loss'?)",
                error("completion_only_los: false\n"));
        assertEquals("command line: unknown key '--max_completion_lenght' for the sft stage (did you mean '--max_completion_length'?)",
                error("", "--max_completion_lenght=5"));
        assertEquals("sft.yaml: unknown key 'method.gen_kwarg' for the sft stage (did you mean 'method.gen_kwargs'?)",
                error("method:\n  name: sftconfig\n  gen_kwarg: {}\n"));
        assertEquals("sft.yaml: max_completion_length = \"many\": expected an integer", error("max_completion_length: many\n"));
        assertEquals("sft.yaml: rouge_eval_samples = -1: must be >= 0 (0 = no ROUGE)", error("rouge_eval_samples: -1\n"));
        assertEquals("sft.yaml: gen_kwargs.top_p = 1.5: must be in (0, 1]", error("gen_kwargs: {top_p: 1.5}\n"));
        assertEquals("sft.yaml: method.name = \"ppoconfig\": the sft stage reads method sftconfig",
                error("method:\n  name: ppoconfig\n"));
        assertEquals("sft.yaml: dataset_name = \"imdb\": the bundled dataset is 'debian-tldr'; give other data as train_file/validation_file/test_file",
                error("dataset_name: imdb\n"));
    }

    @Test
    void theResolvedConfigReadsBackEqual() {
        StageConfig<SftMethod> c = parse("model_name_or_path: preset:tiny-gpt2\nmax_length: 64\ngen_kwargs: {max_new_tokens: 9}\n").config();
        assertEquals(c, LOADER.parse(LOADER.toYaml(c), "resolved-config.yaml", List.of()).config());
    }

    @Test
    void theShippedConfigsParse() throws Exception {
        Path dir = Path.of("..", "configs");
        List<String> names;
        try (var files = Files.list(dir)) {
            names = files.map(p -> p.getFileName().toString()).filter(n -> n.startsWith("sft-")).sorted().toList();
        }
        assertEquals(List.of("sft-debian-quick.yaml", "sft-debian.yaml", "sft-t5-small-tldr.yaml"), names);
        for (String name : names) {
            LoadedConfig<SftMethod> loaded = LOADER.load(dir.resolve(name), List.of());
            assertTrue(loaded.notes().isEmpty(), name + ": " + loaded.notes());
        }
        StageConfig<SftMethod> t5 = LOADER.load(dir.resolve("sft-t5-small-tldr.yaml"), List.of()).config();
        assertTrue(LOADER.load(dir.resolve("sft-t5-small-tldr.yaml"), List.of()).trlxLayout());
        assertEquals("t5-small", t5.training().model().modelNameOrPath());
        assertEquals("data/tldr/train.jsonl", t5.method().trainFile());
        assertEquals(ModelSettings.ArchType.SEQ2SEQ, t5.training().model().modelArchType());
        StageConfig<SftMethod> full = LOADER.load(dir.resolve("sft-debian.yaml"), List.of()).config();
        assertEquals("runs/sft-debian", full.training().run().outputDir(), "the reward and PPO stages read runs/sft-debian/final");
        assertTrue(full.method().doPredict(), "the full run reports test ROUGE");
        assertNull(full.method().trainFile());
    }
}
