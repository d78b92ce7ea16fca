package trl4j.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import java.util.List;
import org.junit.jupiter.api.Test;
import trl4j.data.PromptReferences;
import trl4j.model.LanguageModel;
import trl4j.model.RewardFunction;
import trl4j.model.registry.Models;
import trl4j.testing.Golden;
import trl4j.tokenizer.Tokenizer;

class PolicyEvaluatorTest {

    static final List<PromptReferences> PROMPTS = List.of(
            new PromptReferences("A fast JSON parser written in C with bindings.\nTL;DR:", List.of("fast JSON parser")),
            new PromptReferences("Utilities to convert images between formats.\nTL;DR:", List.of("image conversion utilities")),
            new PromptReferences("A daemon that watches files.\nTL;DR:", List.of("file watching daemon")));

    /** A toy proxy reward: shorter is better. */
    static final RewardFunction SHORT = (prompts, responses) -> responses.stream().mapToDouble(r -> -r.length()).toArray();

    @Test
    void scoresBaselineTextsByRougeRewardAndGold() {
        PolicyEvaluator eval = new PolicyEvaluator(PROMPTS, SHORT, 8, 2);
        var lead = eval.scoreTexts("lead", List.of("fast JSON parser", "Utilities to convert", "nothing"));
        // ROUGE-L F1 per row: 1.0; "utilities to convert" vs "image conversion utilities" (stemmed: convers/convert differ) → LCS 1 of 3/3 → 1/3; 0.
        assertEquals((1.0 + 1.0 / 3 + 0) / 3, lead.rougeL(), 1e-9);
        assertEquals(lead.rougeL(), lead.gold(), 1e-9); // no summary is long enough to be penalised
        assertEquals(-(17 + 21 + 8) / 3.0, lead.rewardModel(), 1e-9); // the reward sees " " + summary
        assertEquals(null, lead.klToSft());
    }

    @Test
    void policyEvaluationAndKlToItselfIsZero() {
        try (NDManager manager = NDManager.newBaseManager();
                LanguageModel model = Models.load(Golden.model("gpt2-text"), manager);
                Tokenizer tokenizer = Tokenizer.load(Golden.model("gpt2-text"))) {
            PolicyEvaluator eval = new PolicyEvaluator(PROMPTS, SHORT, 6, 2);
            var scores = eval.evaluate("self", model, model, tokenizer, 3);
            assertEquals(3, scores.summaries().size());
            assertNotNull(scores.klToSft());
            assertEquals(0.0, scores.klToSft(), 1e-4);
            assertTrue(scores.meanWords() > 0);
            assertEquals(0.0, scores.eosRate()); // this model never emits EOS in 6 tokens
        }
    }

    @Test
    void winRateCountsTiesAsHalf() {
        assertEquals(0.5, PolicyEvaluator.winRate(new double[] {1, 0, 2, 2}, new double[] {0, 1, 2, 2}));
        assertEquals(1.0, PolicyEvaluator.winRate(new double[] {3}, new double[] {2}));
    }

    @Test
    void documentOfATldrPrompt() {
        assertEquals("A daemon.", PolicyEvaluator.document("A daemon.\nTL;DR:"));
    }
}
