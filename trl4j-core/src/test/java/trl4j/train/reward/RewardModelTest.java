package trl4j.train.reward;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import trl4j.checkpoint.ConfigJson;
import trl4j.checkpoint.SafeTensorsFile;
import trl4j.config.TokenizerSettings.Side;
import trl4j.data.Comparison;
import trl4j.model.RewardFunction;
import trl4j.model.ScoreModel;
import trl4j.model.SequenceClassifier;
import trl4j.model.registry.Models;
import trl4j.tensor.GradMode;
import trl4j.tokenizer.Tokenizer;
import trl4j.train.reward.RewardEncoder.Encoded;

/** The reward model's text convention, batching, truncation, normalisation fold and save/load. */
class RewardModelTest {

    @TempDir
    static Path tmp;
    static Path tok;
    static Path gpt2;
    static NDManager manager;

    @BeforeAll
    static void models() {
        tok = RewardFixtures.tokenizer(tmp.resolve("tok"));
        gpt2 = RewardFixtures.gpt2(tmp.resolve("gpt2"), tok, 5);
        manager = NDManager.newBaseManager();
    }

    @AfterAll
    static void close() {
        manager.close();
    }

    static RewardModel fresh(RewardModel.Options options) {
        return RewardModel.fromPretrained(gpt2, null, manager, 11, options);
    }

    @Test
    void aPairIsScoredAsTokenizerOfPromptPlusResponsePlusEosAtTheEos() {
        Comparison c = RewardFixtures.comparisons(1).get(0);
        try (RewardModel rm = fresh(new RewardModel.Options(128, Side.RIGHT, true, 0, 4))) {
            Tokenizer t = rm.tokenizer();
            long[] text = t.encode(c.prompt() + c.chosen());
            Encoded e = rm.encoder().pair(c.prompt(), c.chosen());
            int n = Math.min(text.length, 127);
            assertEquals(n + 1, e.input().length);
            assertEquals(1, e.input()[e.input().length - 1], "ends with the EOS id");
            // By hand: the trunk's last hidden state (at the EOS) through score.weight.
            SequenceClassifier sc = (SequenceClassifier) rm.model();
            double byHand;
            try (NDManager m = manager.newSubManager(); GradMode g = GradMode.disabled()) {
                long[] ids = new long[e.input().length];
                for (int i = 0; i < ids.length; i++) {
                    ids[i] = e.input()[i];
                }
                NDArray hidden = sc.trunk().hidden(m.create(ids, new Shape(1, ids.length)), null, null, null, null);
                float[] h = hidden.get(":, -1, :").toFloatArray();
                float[] w = sc.parameters().get(SequenceClassifier.SCORE).toFloatArray();
                byHand = 0;
                for (int i = 0; i < h.length; i++) {
                    byHand += h[i] * w[i];
                }
            }
            RewardFunction f = rm; // what PPO consumes
            assertEquals(byHand, f.score(List.of(c.prompt()), List.of(c.chosen()))[0], 1e-5);
        }
    }

    @Test
    void batchedScoresEqualOneByOne() {
        List<Comparison> cs = RewardFixtures.comparisons(7);
        try (RewardModel rm = fresh(new RewardModel.Options(128, Side.RIGHT, true, 0, 3))) {
            List<String> prompts = cs.stream().map(Comparison::prompt).toList();
            List<String> responses = cs.stream().map(Comparison::rejected).toList();
            double[] batched = rm.score(prompts, responses);
            for (int i = 0; i < cs.size(); i++) {
                double one = rm.score(List.of(prompts.get(i)), List.of(responses.get(i)))[0];
                assertEquals(one, batched[i], 1e-5, "pair " + i);
            }
            assertNotEquals(batched[0], batched[1]);
        }
    }

    @Test
    void longPromptsLoseTokensOnTheTruncationSideNeverTheResponse() {
        Comparison c = RewardFixtures.comparisons(1).get(0); // a long document
        try (RewardModel right = fresh(new RewardModel.Options(40, Side.RIGHT, true, 0, 4));
                RewardModel left = fresh(new RewardModel.Options(40, Side.LEFT, true, 0, 4))) {
            Tokenizer t = right.tokenizer();
            long[] full = t.encode(c.prompt() + c.chosen());
            long[] prompt = t.encode(c.prompt());
            assertTrue(full.length > 60, "the test needs a long prompt");
            assertArrayEquals(prompt, java.util.Arrays.copyOf(full, prompt.length), "BPE splits at \"TL;DR:\" | \" word\"");
            int response = full.length - prompt.length;
            int[] r = right.encoder().pair(c.prompt(), c.chosen()).input();
            int[] l = left.encoder().pair(c.prompt(), c.chosen()).input();
            assertEquals(40, r.length);
            assertEquals(40, l.length);
            int keep = 40 - response - 1;
            // The prompt keeps its "\nTL;DR:" ending (as SFT cut it); the document loses tokens on the truncation side.
            long[] tail = t.encode(trl4j.data.PromptFitter.tailOf(c.prompt()), false);
            assertTrue(tail.length > 0 && tail.length < keep);
            assertArrayEquals(tail, java.util.Arrays.copyOfRange(prompt, prompt.length - tail.length, prompt.length),
                    "the tail is how the whole prompt ends");
            int body = keep - tail.length;
            for (int i = 0; i < body; i++) {
                assertEquals(full[i], r[i], "right truncation keeps the document start");
                assertEquals(prompt[prompt.length - keep + i], l[i], "left truncation keeps the prompt end");
            }
            for (int i = 0; i < tail.length; i++) {
                assertEquals(tail[i], r[body + i], "the TL;DR marker stays");
                assertEquals(tail[i], l[body + i]);
            }
            for (int i = 0; i < response; i++) {
                assertEquals(full[prompt.length + i], r[keep + i], "the response is whole");
                assertEquals(full[prompt.length + i], l[keep + i]);
            }
            assertEquals(1, r[39]);
        }
    }

    @Test
    void textsAreScoredAsIsWithoutEos() {
        try (RewardModel rm = fresh(RewardModel.Options.DEFAULTS)) {
            String text = "Real-time strategy game of ancient warfare";
            Encoded e = rm.encoder().texts(List.of(text)).get(0);
            assertArrayEquals(toInt(rm.tokenizer().encode(text)), e.input());
            double viaPair = rm.score(List.of("Real-time strategy"), List.of(" game of ancient warfare"))[0];
            assertNotEquals(viaPair, rm.scoreTexts(List.of(text))[0], "the pair path ends with EOS, the text path does not");
        }
    }

    @Test
    void foldedOffsetShiftsEveryScoreExactlyAndSurvivesSaveAndLoad(@TempDir Path out) {
        List<Comparison> cs = RewardFixtures.comparisons(5);
        List<String> prompts = cs.stream().map(Comparison::prompt).toList();
        List<String> chosen = cs.stream().map(Comparison::chosen).toList();
        try (RewardModel rm = fresh(new RewardModel.Options(128, Side.RIGHT, true, 0, 8))) {
            double[] before = rm.score(prompts, chosen);
            double mean = Normalization.mean(before);
            Normalization.apply(rm, mean, before.length, "test");
            assertEquals(0, rm.options().scoreOffset(), "GPT-2 folds the shift into ln_f.bias");
            double[] after = rm.score(prompts, chosen);
            for (int i = 0; i < before.length; i++) {
                assertEquals(before[i] - mean, after[i], 1e-5);
            }
            assertEquals(0, Normalization.mean(after), 1e-5);
            rm.save(out.resolve("rm"));
        }
        var json = ConfigJson.read(out.resolve("rm/config.json"));
        assertEquals("GPT2ForSequenceClassification", json.getStrings("architectures").get(0));
        var record = json.getNode("trl4j").get("reward");
        assertEquals("folded into transformer.ln_f.bias", record.get("normalization").get("applied").asText());
        assertEquals(0.0, record.get("score_offset").asDouble());
        // The plain model (no trl4j offset applied anywhere) gives normalised scores: what transformers computes.
        try (ScoreModel plain = Models.loadScoreModel(out.resolve("rm"), manager, 0, null);
                RewardModel loaded = RewardModel.load(out.resolve("rm"), manager)) {
            double[] again = loaded.score(prompts, chosen);
            assertEquals(0, Normalization.mean(again), 1e-5);
            assertEquals(loaded.normalization().get("references").asLong(), 5);
            assertEquals(SequenceClassifier.class, plain.getClass());
        }
        // HF layout: the LM's tensors minus nothing (GPT-2's head is tied), plus score.weight.
        List<String> want = new ArrayList<>(SafeTensorsFile.open(gpt2.resolve("model.safetensors")).names());
        want.add("score.weight");
        assertEquals(want.stream().sorted().toList(),
                SafeTensorsFile.open(out.resolve("rm/model.safetensors")).names().stream().sorted().toList());
    }

    @Test
    void rmsNormModelsRecordTheOffset(@TempDir Path dir) {
        Path llama = RewardFixtures.llama(dir.resolve("llama"), tok, 3);
        List<Comparison> cs = RewardFixtures.comparisons(4);
        List<String> prompts = cs.stream().map(Comparison::prompt).toList();
        List<String> chosen = cs.stream().map(Comparison::chosen).toList();
        try (RewardModel rm = RewardModel.fromPretrained(llama, null, manager, 2, new RewardModel.Options(128, Side.RIGHT, true, 0, 8))) {
            double mean = Normalization.mean(rm.score(prompts, chosen));
            Normalization.apply(rm, mean, 4, "test");
            assertEquals(-mean, rm.options().scoreOffset(), 0);
            assertEquals(0, Normalization.mean(rm.score(prompts, chosen)), 1e-5);
            rm.save(dir.resolve("rm"));
        }
        try (RewardModel loaded = RewardModel.load(dir.resolve("rm"), manager)) {
            assertNotEquals(0.0, loaded.options().scoreOffset(), "the offset is recorded and applied");
            assertEquals(0, Normalization.mean(loaded.score(prompts, chosen)), 1e-5);
            assertEquals("score_offset", loaded.normalization().get("applied").asText());
        }
    }

    @Test
    void t5ReadsThePromptWithTheEncoderAndTheSummaryWithTheDecoder(@TempDir Path dir) {
        Path t5 = RewardFixtures.t5(dir.resolve("t5"), tok, 4);
        List<Comparison> cs = RewardFixtures.comparisons(3);
        try (RewardModel rm = RewardModel.fromPretrained(t5, null, manager, 9, new RewardModel.Options(64, Side.RIGHT, true, 0, 2))) {
            assertTrue(rm.model().isEncoderDecoder());
            Encoded e = rm.encoder().pair(cs.get(0).prompt(), cs.get(0).chosen());
            assertEquals(0, e.decoder()[0], "decoder_start_token_id first");
            assertEquals(1, e.decoder()[e.decoder().length - 1], "EOS last");
            assertTrue(e.input().length <= 64);
            double[] batched = rm.score(cs.stream().map(Comparison::prompt).toList(), cs.stream().map(Comparison::rejected).toList());
            for (int i = 0; i < cs.size(); i++) {
                assertEquals(rm.score(List.of(cs.get(i).prompt()), List.of(cs.get(i).rejected()))[0], batched[i], 1e-5);
            }
            var err = assertThrows(IllegalArgumentException.class, () -> rm.scoreTexts(List.of("a text")));
            assertTrue(err.getMessage().contains("--pairs"));
            rm.save(dir.resolve("rm"));
        }
        try (RewardModel loaded = RewardModel.load(dir.resolve("rm"), manager)) {
            assertTrue(loaded.model().isEncoderDecoder());
            assertTrue(Models.check(dir.resolve("rm")).classifier());
        }
    }

    @Test
    void aLanguageModelIsNotAlreadyARewardModel() {
        var e = assertThrows(IllegalArgumentException.class, () -> RewardModel.load(gpt2, manager));
        assertTrue(e.getMessage().contains("not a reward model"), e.getMessage());
    }

    private static int[] toInt(long[] ids) {
        int[] out = new int[ids.length];
        for (int i = 0; i < ids.length; i++) {
            out[i] = (int) ids[i];
        }
        return out;
    }
}
