package trl4j.model.t5;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import trl4j.checkpoint.SafeTensorsFile;
import trl4j.generate.GenerationConfig;
import trl4j.generate.GenerationOutput;
import trl4j.generate.Generator;
import trl4j.model.KvCache;
import trl4j.model.registry.Models;
import trl4j.tensor.GradMode;
import trl4j.testing.Golden;

/** Greedy T5 generation through {@link Generator} against transformers' {@code generate}, and the decoder cache. */
class T5GenerationTest {

    static NDManager manager;
    static final Map<String, T5Model> MODELS = new HashMap<>();

    @BeforeAll
    static void load() {
        manager = NDManager.newBaseManager();
        for (String name : List.of("t5", "t5-v1_1")) {
            MODELS.put(name, (T5Model) Models.load(Golden.model(name), manager));
        }
    }

    @AfterAll
    static void close() {
        MODELS.values().forEach(T5Model::close);
        manager.close();
    }

    /** The unpadded encoder rows of forward.input_ids (Generator right-pads them again). */
    static List<long[]> encoderRows(SafeTensorsFile expected) {
        long[] ids = expected.readLongs("forward.input_ids");
        long[] mask = expected.readLongs("forward.attention_mask");
        int width = ids.length / 2;
        List<long[]> rows = new ArrayList<>();
        for (int r = 0; r < 2; r++) {
            int n = 0;
            while (n < width && mask[r * width + n] == 1) {
                n++;
            }
            rows.add(Arrays.copyOfRange(ids, r * width, r * width + n));
        }
        return rows;
    }

    @ParameterizedTest
    @ValueSource(strings = {"t5", "t5-v1_1"})
    void greedyIdsAndStepScoresMatchTransformers(String name) {
        T5Model model = MODELS.get(name);
        try (SafeTensorsFile expected = Golden.expected(name)) {
            List<long[]> prompts = encoderRows(expected);
            assertEquals(24, prompts.get(0).length);
            assertEquals(21, prompts.get(1).length);
            GenerationConfig cfg = GenerationConfig.greedy(model.config(), 8).withEos(List.of()).withPad(0);
            GenerationOutput out = Generator.generate(model, prompts, cfg, true);
            long[] want = expected.readLongs("generate.output_ids"); // (2, 9): decoder start, then 8 ids
            float[] wantScores = expected.readFloats("generate.scores"); // (2, 8, 512)
            for (int r = 0; r < 2; r++) {
                assertEquals(0, want[r * 9]);
                assertArrayEquals(Arrays.copyOfRange(want, r * 9 + 1, r * 9 + 9), out.responses()[r], "row " + r);
                float[] got = new float[8 * 512];
                for (int s = 0; s < 8; s++) {
                    System.arraycopy(out.scores()[r][s], 0, got, s * 512, 512);
                }
                Golden.assertClose("generate.scores row " + r, Arrays.copyOfRange(wantScores, r * 8 * 512, (r + 1) * 8 * 512), got);
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"t5", "t5-v1_1"})
    void finishedRowsArePaddedAfterEos(String name) {
        T5Model model = MODELS.get(name);
        try (SafeTensorsFile expected = Golden.expected(name)) {
            int eos = (int) expected.readLongs("generate_eos.eos_token_id")[0];
            GenerationConfig cfg = GenerationConfig.greedy(model.config(), 8).withEos(List.of(eos)).withPad(0);
            GenerationOutput out = Generator.generate(model, encoderRows(expected), cfg);
            long[] want = expected.readLongs("generate_eos.output_ids");
            int width = (int) expected.info("generate_eos.output_ids").shape()[1];
            for (int r = 0; r < 2; r++) {
                assertArrayEquals(Arrays.copyOfRange(want, r * width + 1, (r + 1) * width), out.responses()[r], "row " + r);
            }
            int step = name.equals("t5") ? 1 : 3; // README: the step at which row 0 emits the eos id
            assertEquals(step + 1, out.lengths()[0]);
            assertTrue(out.finished()[0]);
            assertFalse(out.finished()[1]);
        }
    }

    /**
     * The cache gives what a cache-free pass gives: one token at a time, and a chunked prefix (several
     * positions on top of a non-empty cache, which needs the causal mask and the right bias rows).
     */
    @ParameterizedTest
    @ValueSource(strings = {"t5", "t5-v1_1"})
    void cachedDecodingEqualsAFullPass(String name) {
        T5Model model = MODELS.get(name);
        try (SafeTensorsFile expected = Golden.expected(name);
                NDManager m = manager.newSubManager();
                GradMode g = GradMode.disabled()) {
            NDArray mask = expected.read("forward.attention_mask", m);
            NDArray encoded = model.encode(expected.read("forward.input_ids", m), mask, null);
            long[] decoderIds = expected.readLongs("forward.decoder_input_ids"); // (2, 12)
            NDArray ids = m.create(decoderIds, new Shape(2, 12));
            float[] full = model.lmHead(model.decode(ids, encoded, mask, null, null)).toFloatArray(); // (2, 12, V)

            for (int[] chunks : new int[][] {{1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1}, {5, 1, 4, 2}}) {
                float[] stepped = new float[full.length];
                try (KvCache cache = model.newCache(2)) { // small capacity: growth is exercised too
                    int at = 0;
                    for (int n : chunks) {
                        NDArray chunk = ids.get(":, {}:{}", at, at + n);
                        float[] logits = model.lmHead(model.decode(chunk, encoded, mask, cache, null)).toFloatArray(); // (2, n, V)
                        for (int r = 0; r < 2; r++) {
                            System.arraycopy(logits, r * n * 512, stepped, (r * 12 + at) * 512, n * 512);
                        }
                        at += n;
                    }
                    assertEquals(12, cache.length());
                }
                Golden.assertClose("cached decode " + Arrays.toString(chunks), full, stepped);
            }
        }
    }

    /** Greedy generation with the cache equals a cache-free loop that re-decodes the whole prefix each step. */
    @ParameterizedTest
    @ValueSource(strings = {"t5", "t5-v1_1"})
    void generatorEqualsACacheFreeGreedyLoop(String name) {
        T5Model model = MODELS.get(name);
        try (SafeTensorsFile expected = Golden.expected(name);
                NDManager m = manager.newSubManager();
                GradMode g = GradMode.disabled()) {
            List<long[]> prompts = encoderRows(expected);
            GenerationOutput out = Generator.generate(model, prompts, GenerationConfig.greedy(model.config(), 6).withEos(List.of()), true);
            for (int r = 0; r < 2; r++) {
                long[] prompt = prompts.get(r);
                NDArray encoded = model.encode(m.create(prompt, new Shape(1, prompt.length)), null, null);
                long[] prefix = {model.decoderStartTokenId()};
                for (int step = 0; step < 6; step++) {
                    NDArray logits = model.lmHead(model.decode(m.create(prefix, new Shape(1, prefix.length)), encoded, null, null, null));
                    float[] last = logits.get(":, -1, :").toFloatArray();
                    Golden.assertClose("row " + r + " step " + step, last, out.scores()[r][step]);
                    long next = logits.get(":, -1, :").argMax(-1).toLongArray()[0];
                    assertEquals(next, out.responses()[r][step], "row " + r + " step " + step);
                    prefix = Arrays.copyOf(prefix, prefix.length + 1);
                    prefix[prefix.length - 1] = next;
                }
            }
        }
    }
}
