package trl4j.generate;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDManager;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import trl4j.model.LanguageModel;
import trl4j.model.registry.Models;
import trl4j.testing.Golden;

/** Scoring passes reproduce the log-probabilities recorded while sampling (the "negative KL" bug, trl#1161). */
class SequenceScorerTest {

    static NDManager manager;

    @BeforeAll
    static void start() {
        manager = NDManager.newBaseManager();
    }

    @AfterAll
    static void stop() {
        manager.close();
    }

    @ParameterizedTest
    @ValueSource(strings = {"gpt2", "llama", "t5", "t5-v1_1"})
    void scoredLogprobsEqualSampledLogprobs(String name) {
        try (LanguageModel model = Models.load(Golden.model(name), manager)) {
            // Prompts of different lengths so that padding is exercised.
            List<long[]> prompts = List.of(new long[] {11, 12, 13, 14, 15, 16, 17}, new long[] {21, 22, 23}, new long[] {31});
            GenerationConfig cfg = GenerationConfig.greedy(model.config(), 9).withSampling(true, 0.8, 0, 1.0)
                    .withSeed(5).withEos(List.of(3)).withPad(0);
            GenerationOutput out = Generator.generate(model, prompts, cfg);
            List<long[]> responses = new ArrayList<>();
            for (int i = 0; i < prompts.size(); i++) {
                responses.add(out.response(i));
            }
            float[][] scored = SequenceScorer.logprobs(model, prompts, responses, 0.8, 2, 0);
            for (int i = 0; i < prompts.size(); i++) {
                assertEquals(responses.get(i).length, scored[i].length);
                for (int t = 0; t < scored[i].length; t++) {
                    assertEquals(out.logprobs()[i][t], scored[i][t], 1e-5, name + " row " + i + " token " + t);
                }
            }
        }
    }
}
