package trl4j.train.ppo;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import trl4j.data.PromptReferences;
import trl4j.model.LanguageModel;
import trl4j.tokenizer.Tokenizer;

/**
 * Truncation after EOS, a stop token or a stop sequence, and the missing-EOS penalty that must treat a
 * custom stop as an end (trl#3750).
 */
class StopsTest {

    static final int VOCAB = 24;
    static NDManager manager;
    static Tokenizer tokenizer;

    @BeforeAll
    static void open(@TempDir Path dir) {
        manager = NDManager.newBaseManager();
        tokenizer = Tokenizer.load(TinyPpo.tokenizer(dir, VOCAB));
    }

    @AfterAll
    static void close() {
        tokenizer.close();
        manager.close();
    }

    @Test
    void aStopSequenceCutsTheResponseAfterItsLastTokenAndTheTextBeforeIt() {
        try (NDManager m = manager.newSubManager(); LanguageModel policy = TinyPpo.gpt2(m, VOCAB, 0.3, 5)) {
            Sampler sampler = new Sampler(policy, tokenizer, List.of(1), 0, List.of("w7 w8"), 64, trl4j.config.TokenizerSettings.Side.RIGHT, 8);
            // w5 w7 w8 w9 </s>: the sequence "w7 w8" completes at the third token.
            int[] stop = sampler.findStop(new long[] {5, 7, 8, 9, 1}, true);
            assertArrayEquals(new int[] {3, 3}, stop); // keep 3 tokens; text "w5 " before the sequence
            assertNull(sampler.findStop(new long[] {5, 7, 9, 8, 1}, true));
            assertNull(new Sampler(policy, tokenizer, List.of(1), 0, List.of(), 64, trl4j.config.TokenizerSettings.Side.RIGHT, 8).findStop(new long[] {7, 8}, false));
        }
    }

    @Test
    void stoppedResponsesCountAsEndedForTheMissingEosPenalty() {
        try (NDManager m = manager.newSubManager(); LanguageModel policy = TinyPpo.gpt2(m, VOCAB, 0.3, 5)) {
            List<PromptReferences> prompts = TinyPpo.prompts(32, VOCAB, 4);
            PpoConfig config = PpoConfig.defaults("--num_rollouts=32", "--per_device_train_batch_size=8", "--response_length=16",
                    "--gen_kwargs.top_k=0", "--stop_sequences=[w7]", "--missing_eos_penalty=5.0");
            try (Parts parts = Parts.create(policy, tokenizer, TinyPpo.GOOD_WORDS, prompts, config, null, null)) {
                Samples s = parts.sampler.sample(prompts.stream().map(PromptReferences::prompt).toList(), null, parts.rolloutSettings, 3);
                int stopped = 0;
                for (int i = 0; i < s.size(); i++) {
                    long[] r = s.responses().get(i);
                    boolean sawStop = false;
                    for (long id : r) {
                        sawStop |= id == 7;
                    }
                    if (sawStop) {
                        stopped++;
                        assertEquals(7, r[r.length - 1], "the response ends with the stop token");
                        assertTrue(s.ended()[i]);
                        assertFalse(s.texts().get(i).contains("w7"), s.texts().get(i));
                        assertEquals(r.length, s.generationLogprobs().get(i).length);
                    } else if (r.length == 16 && r[15] != 1) {
                        assertFalse(s.ended()[i], "ran out of tokens");
                    }
                }
                assertTrue(stopped >= 3, "several rows hit the stop sequence: " + stopped);
                ScoreShaping.Scores scores = parts.shaping.apply(new double[s.size()], null, s.ended());
                for (int i = 0; i < s.size(); i++) {
                    assertEquals(s.ended()[i] ? 0.0 : -5.0, scores.penalized()[i], "row " + i);
                }
            }
        }
    }

    @Test
    void aStopTokenIdEndsGenerationLikeEos() {
        try (NDManager m = manager.newSubManager(); LanguageModel policy = TinyPpo.gpt2(m, VOCAB, 0.3, 5)) {
            List<PromptReferences> prompts = TinyPpo.prompts(32, VOCAB, 4);
            PpoConfig config = PpoConfig.defaults("--num_rollouts=32", "--per_device_train_batch_size=8", "--response_length=16",
                    "--gen_kwargs.top_k=0", "--stop_token_id=9");
            try (Parts parts = Parts.create(policy, tokenizer, TinyPpo.GOOD_WORDS, prompts, config, null, null)) {
                Samples s = parts.sampler.sample(prompts.stream().map(PromptReferences::prompt).toList(), null, parts.rolloutSettings, 3);
                int hits = 0;
                for (int i = 0; i < s.size(); i++) {
                    long[] r = s.responses().get(i);
                    for (int t = 0; t < r.length - 1; t++) {
                        assertTrue(r[t] != 9 && r[t] != 1, "nothing after a stop");
                    }
                    if (r[r.length - 1] == 9) {
                        hits++;
                        assertTrue(s.ended()[i]);
                    }
                }
                assertTrue(hits >= 3, "stop token hits: " + hits);
            }
        }
    }
}
