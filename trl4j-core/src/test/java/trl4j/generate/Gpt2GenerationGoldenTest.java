package trl4j.generate;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import trl4j.checkpoint.SafeTensorsFile;
import trl4j.model.CausalLm;
import trl4j.model.LanguageModel;
import trl4j.model.registry.Models;
import trl4j.testing.Golden;
import trl4j.tokenizer.Tokenizer;

/** Greedy generation against transformers' {@code generate} on the tiny GPT-2 and the text-level gpt2-text. */
class Gpt2GenerationGoldenTest {

    static NDManager manager;
    static LanguageModel tiny;
    static LanguageModel text;
    static Tokenizer tokenizer;

    @BeforeAll
    static void load() {
        manager = NDManager.newBaseManager();
        tiny = Models.load(Golden.model("gpt2"), manager);
        text = Models.load(Golden.model("gpt2-text"), manager);
        tokenizer = Tokenizer.load(Golden.model("gpt2-text"));
    }

    @AfterAll
    static void close() {
        tokenizer.close();
        tiny.close();
        text.close();
        manager.close();
    }

    /** Unpadded rows of a left-padded (B, T) batch. */
    static List<long[]> rows(long[] ids, long[] mask, int width) {
        List<long[]> out = new ArrayList<>();
        for (int r = 0; r < ids.length / width; r++) {
            List<Long> row = new ArrayList<>();
            for (int t = 0; t < width; t++) {
                if (mask[r * width + t] == 1) {
                    row.add(ids[r * width + t]);
                }
            }
            out.add(row.stream().mapToLong(Long::longValue).toArray());
        }
        return out;
    }

    @Test
    void greedyIdsAndStepScoresMatchTransformers() {
        try (SafeTensorsFile expected = Golden.expected("gpt2")) {
            List<long[]> prompts = rows(expected.readLongs("left_pad.input_ids"), expected.readLongs("left_pad.attention_mask"), 10);
            GenerationConfig cfg = GenerationConfig.greedy(tiny.config(), 8).withEos(List.of()).withPad(0);
            GenerationOutput out = Generator.generate(tiny, prompts, cfg, true);
            long[] want = expected.readLongs("generate.output_ids"); // (2, 18) with the 10 prompt tokens
            float[] wantScores = expected.readFloats("generate.scores"); // (2, 8, 512)
            for (int r = 0; r < 2; r++) {
                assertArrayEquals(Arrays.copyOfRange(want, r * 18 + 10, r * 18 + 18), out.responses()[r], "row " + r);
                float[] got = new float[8 * 512];
                for (int s = 0; s < 8; s++) {
                    System.arraycopy(out.scores()[r][s], 0, got, s * 512, 512);
                }
                Golden.assertClose("generate.scores row " + r, Arrays.copyOfRange(wantScores, r * 8 * 512, (r + 1) * 8 * 512), got);
            }
        }
    }

    @Test
    void finishedRowsArePaddedAfterEos() {
        try (SafeTensorsFile expected = Golden.expected("gpt2")) {
            List<long[]> prompts = rows(expected.readLongs("left_pad.input_ids"), expected.readLongs("left_pad.attention_mask"), 10);
            int eos = (int) expected.readLongs("generate_eos.eos_token_id")[0];
            GenerationConfig cfg = GenerationConfig.greedy(tiny.config(), 8).withEos(List.of(eos)).withPad(0);
            GenerationOutput out = Generator.generate(tiny, prompts, cfg);
            long[] want = expected.readLongs("generate_eos.output_ids");
            int width = (int) expected.info("generate_eos.output_ids").shape()[1];
            for (int r = 0; r < 2; r++) {
                assertArrayEquals(Arrays.copyOfRange(want, r * width + 10, (r + 1) * width), out.responses()[r], "row " + r);
            }
            assertEquals(4, out.lengths()[0], "row 0 emits eos at step 3");
            assertTrue(out.finished()[0]);
            assertEquals(0f, out.logprobs()[0][5]);
        }
    }

    static List<JsonNode> textCases() throws Exception {
        ObjectMapper json = new ObjectMapper();
        List<JsonNode> out = new ArrayList<>();
        for (String line : Files.readAllLines(Golden.model("gpt2-text").resolve("cases.jsonl"))) {
            if (!line.isBlank()) {
                out.add(json.readTree(line));
            }
        }
        return out;
    }

    static long[] ids(JsonNode a) {
        long[] out = new long[a.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = a.get(i).asLong();
        }
        return out;
    }

    @Test
    void textModelPromptsContinueExactlyAsTransformers() throws Exception {
        GenerationConfig cfg = GenerationConfig.greedy(text.config(), 24);
        List<long[]> prompts = new ArrayList<>();
        List<long[]> expected = new ArrayList<>();
        for (JsonNode c : textCases()) {
            if (!c.has("prompt")) {
                continue; // the batched line
            }
            long[] promptIds = tokenizer.encode(c.get("prompt").asText());
            assertArrayEquals(ids(c.get("prompt_ids")), promptIds, c.get("name").asText());
            GenerationOutput one = Generator.generate(text, List.of(promptIds), cfg);
            assertArrayEquals(ids(c.get("new_ids")), one.response(0), c.get("name").asText());
            assertEquals(c.get("new_text").asText(), tokenizer.decode(one.response(0), false), c.get("name").asText());
            prompts.add(promptIds);
            expected.add(ids(c.get("new_ids")));
        }
        assertEquals(12, prompts.size());
        // Batched (left-padded to the longest prompt) equals one-by-one.
        GenerationOutput batch = Generator.generate(text, prompts, cfg);
        for (int i = 0; i < prompts.size(); i++) {
            assertArrayEquals(expected.get(i), batch.response(i), "batched row " + i);
        }
    }

    @Test
    void sampledLogprobsEqualAForwardPassAndSeedsReproduce() {
        CausalLm model = (CausalLm) text;
        List<long[]> prompts = List.of(tokenizer.encode("The quick brown fox"), tokenizer.encode("Hello"));
        GenerationConfig cfg = GenerationConfig.greedy(text.config(), 10).withSampling(true, 0.7, 0, 0.9).withSeed(42);
        GenerationOutput a = Generator.generate(model, prompts, cfg);
        GenerationOutput b = Generator.generate(model, prompts, cfg);
        for (int i = 0; i < 2; i++) {
            assertArrayEquals(a.responses()[i], b.responses()[i]);
        }
        GenerationOutput c = Generator.generate(model, prompts, cfg.withSeed(43));
        assertTrue(!Arrays.equals(a.responses()[0], c.responses()[0]) || !Arrays.equals(a.responses()[1], c.responses()[1]));
        // Recompute log_softmax(logits / T) of every sampled token with one cache-free forward pass.
        for (int i = 0; i < 2; i++) {
            long[] prompt = prompts.get(i);
            long[] response = a.response(i);
            long[] full = new long[prompt.length + response.length];
            System.arraycopy(prompt, 0, full, 0, prompt.length);
            System.arraycopy(response, 0, full, prompt.length, response.length);
            try (NDManager m = manager.newSubManager(); var g = trl4j.tensor.GradMode.disabled()) {
                var logits = model.logits(m.create(full, new ai.djl.ndarray.types.Shape(1, full.length)), null, null, null)
                        .div(0.7f);
                var lp = trl4j.tensor.LogProbs.gather(logits.get(":, :-1, :"),
                        m.create(Arrays.copyOfRange(full, 1, full.length), new ai.djl.ndarray.types.Shape(1, full.length - 1)))
                        .toFloatArray();
                for (int t = 0; t < response.length; t++) {
                    float recomputed = lp[prompt.length - 1 + t];
                    assertEquals(recomputed, a.logprobs()[i][t], 1e-5, "row " + i + " token " + t);
                }
            }
        }
    }
}
