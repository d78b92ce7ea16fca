package trl4j.train.sft;

import ai.djl.ndarray.NDManager;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import trl4j.config.ConfigLoader;
import trl4j.config.StageConfig;
import trl4j.data.PromptCompletion;
import trl4j.data.debian.DebianTldr;
import trl4j.model.LanguageModel;
import trl4j.model.registry.Models;
import trl4j.model.registry.Presets;
import trl4j.tokenizer.BpeTrainer;
import trl4j.tokenizer.BpeTrainerConfig;
import trl4j.tokenizer.Tokenizer;

/** Small real data for the SFT tests: debian-tldr validation rows and a BPE tokenizer trained on them. */
final class SftFixtures {

    private static List<PromptCompletion> rows;
    private static Path tokenizerDir;

    private SftFixtures() {}

    /** Rows of the bundled validation split (real documents and synopses). */
    static synchronized List<PromptCompletion> rows(int from, int count) {
        if (rows == null) {
            rows = DebianTldr.pairs(DebianTldr.locate(Path.of("")), "validation");
        }
        return rows.subList(from, from + count);
    }

    /** A 600-token byte-level BPE trained on 300 rows (pad 0, eos 1, unk 2), built once per test JVM. */
    static synchronized Path tokenizerDir() {
        if (tokenizerDir == null) {
            BpeTrainer bpe = new BpeTrainer(BpeTrainerConfig.defaults().withVocabSize(600));
            rows(0, 300).forEach(r -> bpe.add(r.prompt() + r.completion()));
            try {
                Path dir = Files.createTempDirectory("trl4j-sft-tokenizer");
                bpe.train().save(dir);
                tokenizerDir = dir;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return tokenizerDir;
    }

    static Tokenizer tokenizer() {
        return Tokenizer.load(tokenizerDir());
    }

    /** A preset initialised for the test tokenizer's vocabulary. */
    static LanguageModel preset(String name, Tokenizer tokenizer, NDManager manager, long seed) {
        var vocabulary = new Presets.Vocabulary(tokenizer.vocabSize(), tokenizer.padId(), tokenizer.eosId(), tokenizer.bosId());
        return Models.initialize(Presets.config(name, vocabulary), manager, seed);
    }

    /** An SFT config from flat YAML lines, writing to {@code runDir}. */
    static StageConfig<SftMethod> config(Path runDir, String... yamlLines) {
        String yaml = "output_dir: " + runDir + "\n" + String.join("\n", yamlLines) + "\n";
        return new ConfigLoader<>(SftMethod.SCHEMA).parse(yaml, "test.yaml", List.of()).config();
    }
}
