package trl4j.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PipelineConfigTest {

    static final Path HOME = Path.of("..").toAbsolutePath().normalize();
    static final String MINIMAL = "sft:\n  model_name_or_path: preset:micro-gpt2\n";

    static PipelineConfig parse(String yaml, Path runDir, String... overrides) {
        return PipelineConfig.parse(yaml, "p.yaml", "test", List.of(overrides), HOME, runDir);
    }

    static String message(String yaml, String... overrides) {
        return assertThrows(IllegalArgumentException.class, () -> parse(yaml, Path.of("/tmp/run"), overrides)).getMessage();
    }

    @Test
    void overridesReachTheirSectionAndTheStagesAreWiredThroughTheRunFolder(@TempDir Path run) {
        PipelineConfig c = parse(MINIMAL + "dataset:\n  train_rows: 100\nppo:\n  kl_coef: 0.2\n", run,
                "--sft.learning_rate=0.5", "--dataset.train_rows=7", "--ppo.kl_coef=0.3", "--eval.num_samples=9");
        assertEquals(0.5, c.sft(false).training().optimizer().learningRate());
        assertEquals(7, c.dataset().trainRows());
        assertEquals(0.3, c.ppo(false).method().klCoef());
        assertEquals(9, c.eval().numSamples());
        // Each trainer reads the previous stage's outputs and writes into its own folder of the run.
        assertEquals(run.resolve("sft").toString(), c.sft(false).training().run().outputDir());
        assertEquals(run.resolve("dataset/train.jsonl.gz").toString(), c.sft(false).method().trainFile());
        assertEquals(run.resolve("tokenizer").toString(), c.sft(false).training().tokenizer().tokenizerPath());
        assertEquals(run.resolve("sft/final").toString(), c.reward(false).training().model().modelNameOrPath());
        assertEquals(run.resolve("comparisons/comparisons-train.jsonl").toString(), c.reward(false).method().trainFile());
        assertEquals(run.resolve("reward/final").toString(), c.ppo(false).method().rewardModelPath());
        assertEquals(run.resolve("sft/final").toString(), c.ppo(false).method().sftModelPath());
        assertEquals("latest", c.ppo(true).training().run().resumeFromCheckpoint());
        assertEquals(null, c.ppo(false).training().run().resumeFromCheckpoint());
        assertTrue(c.toYaml().contains("kl_coef: 0.3"), c.toYaml());
    }

    @Test
    void aTrainerSectionCanStartFromAStageConfigFile(@TempDir Path dir) throws Exception {
        Path recipe = dir.resolve("sft-recipe.yaml");
        Files.writeString(recipe, "model_name_or_path: preset:micro-gpt2\nlearning_rate: 1.0e-3\nmax_steps: 40\n"
                + "output_dir: runs/elsewhere\ngen_kwargs:\n  max_new_tokens: 30\n  do_sample: false\n");
        PipelineConfig c = parse("sft:\n  config: " + recipe + "\n  max_steps: 12\n  gen_kwargs:\n    max_new_tokens: 10\n", dir.resolve("run"));
        var sft = c.sft(false);
        assertEquals(1e-3, sft.training().optimizer().learningRate()); // from the file
        assertEquals(12, sft.training().loop().maxSteps()); // the section's key wins
        assertEquals(10, sft.method().genKwargs().maxNewTokens()); // merged key by key
        assertEquals(false, sft.method().genKwargs().doSample());
        assertEquals(dir.resolve("run/sft").toString(), sft.training().run().outputDir()); // the recipe's folder is replaced
    }

    @Test
    void errorsNameTheSectionAndTheKey() {
        assertTrue(message("sfft:\n  max_steps: 1\n").contains("p.yaml: unknown section 'sfft' (did you mean 'sft'?)"),
                message("sfft:\n  max_steps: 1\n"));
        String owned = message(MINIMAL + "  output_dir: x\n");
        assertTrue(owned.contains("sft.output_dir is set by the pipeline"), owned);
        String ownedOverride = message(MINIMAL, "--ppo.reward_model_path=/m");
        assertTrue(ownedOverride.contains("--ppo.reward_model_path is set by the pipeline"), ownedOverride);
        String noSection = message(MINIMAL, "--learning_rate=1e-3");
        assertTrue(noSection.contains("name the stage section first, e.g. --sft.learning_rate=1e-3"), noSection);
        String range = message(MINIMAL + "dataset:\n  train_rows: 0\n");
        assertTrue(range.contains("p.yaml: dataset.train_rows = 0: must be >= 1"), range);
        String typo = message(MINIMAL + "comparisons:\n  train_docs: 5\n");
        assertTrue(typo.contains("comparisons.") && typo.contains("train_docs"), typo);
        String trainerTypo = message(MINIMAL + "  learning_rat: 1\n");
        assertTrue(trainerTypo.contains("learning_rat") && trainerTypo.contains("learning_rate"), trainerTypo);
        String noModel = message("sft:\n  max_steps: 3\n");
        assertTrue(noModel.contains("sft.model_name_or_path is required"), noModel);
    }

    @Test
    void theShippedPresetsResolve(@TempDir Path run) {
        for (String preset : List.of("quick", "full")) {
            PipelineConfig c = PipelineConfig.load(PipelineConfig.presetFile(HOME, preset), preset, List.of(), HOME, run);
            assertTrue(c.sft(false).training().model().modelNameOrPath().startsWith("preset:"), preset);
            assertTrue(c.ppo(false).method().target() != null, preset + ": PPO runs with the adaptive KL controller");
        }
        var e = assertThrows(IllegalArgumentException.class, () -> PipelineConfig.presetFile(HOME, "quik"));
        assertTrue(e.getMessage().contains("presets: full, quick"), e.getMessage());
    }

    @Test
    void aRunFolderIsReusedOnlyToResumeTheSameConfig(@TempDir Path run) throws Exception {
        Pipeline.checkRunFolder(run, false, "a"); // empty: fine
        Files.writeString(run.resolve(Pipeline.CONFIG_FILE), "a");
        var notEmpty = assertThrows(IllegalArgumentException.class, () -> Pipeline.checkRunFolder(run, false, "a"));
        assertTrue(notEmpty.getMessage().endsWith("is not empty: continue that run with --resume, or choose another --out"),
                notEmpty.getMessage());
        Pipeline.checkRunFolder(run, true, "a");
        var other = assertThrows(IllegalArgumentException.class, () -> Pipeline.checkRunFolder(run, true, "b"));
        assertTrue(other.getMessage().contains("was started with another config"), other.getMessage());
    }
}
