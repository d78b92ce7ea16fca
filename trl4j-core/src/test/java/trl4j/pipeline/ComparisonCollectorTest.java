package trl4j.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDManager;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import trl4j.data.Comparison;
import trl4j.data.Datasets;
import trl4j.data.ReadOptions;
import trl4j.generate.GenerationConfig;
import trl4j.model.LanguageModel;
import trl4j.model.registry.Models;
import trl4j.testing.Golden;
import trl4j.tokenizer.Tokenizer;

class ComparisonCollectorTest {

    static final List<trl4j.data.PromptReferences> DOCS = PolicyEvaluatorTest.PROMPTS;

    @Test
    void goldJudgeLabelsPairsAndDropsIdenticalOnesAndTies(@TempDir Path tmp) {
        var collected = ComparisonCollector.label(DOCS, List.of(
                new String[] {"a JSON parser in C", "fast JSON parser"},        // b is the reference: b chosen
                new String[] {"same words", "same words"},                      // identical
                new String[] {"a daemon for cats", "a daemon for dogs"}));      // equal gold scores: tie
        assertEquals(1, collected.comparisons().size());
        assertEquals(1, collected.identical());
        assertEquals(1, collected.ties());
        Comparison c = collected.comparisons().get(0);
        assertEquals(" fast JSON parser", c.chosen());
        assertEquals(" a JSON parser in C", c.rejected());
        assertEquals(ComparisonCollector.KIND, c.kind());
        Path file = tmp.resolve("pairs.jsonl");
        ComparisonCollector.write(file, collected.comparisons());
        assertEquals(collected.comparisons(), Datasets.loadComparisons(file, ReadOptions.defaults()).rows());
    }

    @Test
    void samplesTwoSummariesPerDocumentFromThePolicy() {
        try (NDManager manager = NDManager.newBaseManager();
                LanguageModel model = Models.load(Golden.model("gpt2-text"), manager);
                Tokenizer tokenizer = Tokenizer.load(Golden.model("gpt2-text"))) {
            GenerationConfig sampling = GenerationConfig.greedy(model.config(), 6).withSampling(true, 1.0, 0, 1.0).withSeed(9);
            var collected = ComparisonCollector.collect(model, tokenizer, DOCS, sampling, 2);
            assertEquals(3, collected.documents());
            assertEquals(3, collected.comparisons().size() + collected.identical() + collected.ties());
            assertEquals(collected, ComparisonCollector.collect(model, tokenizer, DOCS, sampling, 2), "seeded");
        }
    }
}
