package trl4j.train.reward;

import ai.djl.ndarray.NDManager;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import trl4j.config.LoadedConfig;
import trl4j.config.StageConfig;
import trl4j.data.Comparison;
import trl4j.data.debian.DebianTldr;
import trl4j.model.LanguageModel;
import trl4j.model.ModelConfig;
import trl4j.model.ModelWriter;
import trl4j.model.gpt2.Gpt2Config;
import trl4j.model.llama.LlamaConfig;
import trl4j.model.registry.Models;
import trl4j.model.t5.T5Config;
import trl4j.tokenizer.BpeTrainer;
import trl4j.tokenizer.BpeTrainerConfig;

/**
 * Tiny models and data for reward tests: a 400-token BPE trained on a few hundred debian-tldr
 * comparison texts, randomly initialised "pretrained" GPT-2 / Llama / T5 folders, and the first
 * validation comparisons of debian-tldr (every negative kind).
 */
final class RewardFixtures {

    static final int VOCAB = 400;

    private RewardFixtures() {}

    /** The first {@code n} validation comparisons of the bundled dataset (the kinds cycle, so all five occur). */
    static List<Comparison> comparisons(int n) {
        return DebianTldr.comparisons(Path.of(""), "validation").subList(0, n);
    }

    /** Comparisons {@code from} … {@code from + n} (disjoint from {@link #comparisons(int)} when from ≥ its n). */
    static List<Comparison> comparisons(int from, int n) {
        return DebianTldr.comparisons(Path.of(""), "validation").subList(from, from + n);
    }

    /** A byte-level BPE (pad 0, eos 1, unk 2) trained on the first 300 comparisons. */
    static Path tokenizer(Path dir) {
        BpeTrainer trainer = new BpeTrainer(BpeTrainerConfig.defaults().withVocabSize(VOCAB));
        for (Comparison c : comparisons(300)) {
            trainer.add(c.prompt() + c.chosen());
            trainer.add(c.rejected());
        }
        try {
            trainer.train().save(dir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return dir;
    }

    /** A tiny GPT-2 folder (n_positions 128, width 32, 2 layers), with the tokenizer's files. */
    static Path gpt2(Path dir, Path tokenizerDir, long seed) {
        return save(Gpt2Config.of(VOCAB, 128, 32, 2, 2, 1, 1, 0), dir, tokenizerDir, seed);
    }

    static Path llama(Path dir, Path tokenizerDir, long seed) {
        return save(LlamaConfig.llama(VOCAB, 32, 64, 2, 4, 2, 128, false, 1, 1, 0), dir, tokenizerDir, seed);
    }

    static Path t5(Path dir, Path tokenizerDir, long seed) {
        return save(T5Config.of(VOCAB, 32, 8, 64, 2, 4, "relu", true), dir, tokenizerDir, seed);
    }

    private static Path save(ModelConfig config, Path dir, Path tokenizerDir, long seed) {
        try (NDManager m = NDManager.newBaseManager(); LanguageModel lm = Models.initialize(config, m, seed)) {
            ModelWriter.save(lm, dir, tokenizerDir);
        }
        return dir;
    }

    /** A reward config from YAML text with overrides (the run folder under {@code run}). */
    static StageConfig<RewardMethod> config(Path run, String yaml, String... overrides) {
        List<String> all = new java.util.ArrayList<>(List.of("--output_dir=" + run));
        all.addAll(List.of(overrides));
        LoadedConfig<RewardMethod> loaded = RewardMethod.loader().parse(yaml, "test.yaml", all);
        return loaded.config();
    }

    static byte[] bytes(Path file) {
        try {
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
