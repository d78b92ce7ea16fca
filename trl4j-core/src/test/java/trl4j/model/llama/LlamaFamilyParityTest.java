package trl4j.model.llama;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static trl4j.testing.Golden.assertClose;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import trl4j.checkpoint.SafeTensorsFile;
import trl4j.generate.GenerationConfig;
import trl4j.generate.GenerationOutput;
import trl4j.generate.Generator;
import trl4j.model.KvCache;
import trl4j.model.registry.Models;
import trl4j.tensor.AttentionMasks;
import trl4j.tensor.GradMode;
import trl4j.tensor.LogProbs;
import trl4j.tensor.TokenLoss;
import trl4j.testing.Golden;

/**
 * Llama-family model against Hugging Face transformers 4.38.2 (golden vectors of
 * {@code ../shared/golden/models/<name>}); {@link LlamaParityTest} and {@link Qwen2ParityTest} name the model.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class LlamaFamilyParityTest {

    static final int VOCAB = 512;

    NDManager manager;
    LlamaModel model;
    SafeTensorsFile expected;

    /** Golden folder name ("llama", "qwen2"). */
    abstract String golden();

    @BeforeAll
    void load() {
        manager = NDManager.newBaseManager();
        model = (LlamaModel) Models.load(Golden.model(golden()), manager);
        expected = Golden.expected(golden());
    }

    @AfterAll
    void close() {
        expected.close();
        model.close();
        manager.close();
    }

    NDArray in(NDManager m, String name) {
        return expected.read(name, m);
    }

    @Test
    void rightPaddedLogitsAndHiddenStates() {
        try (NDManager m = manager.newSubManager(); GradMode g = GradMode.disabled()) {
            NDArray mask = in(m, "right_pad.attention_mask");
            List<NDArray> hidden = new ArrayList<>();
            NDArray logits = model.lmHead(model.hidden(in(m, "right_pad.input_ids"), mask, null, null, hidden));
            boolean[] valid = Golden.validPositions(mask.toLongArray());
            assertClose("right_pad.logits", in(m, "right_pad.logits").toFloatArray(), logits.toFloatArray(), valid, Golden.TOLERANCE);
            assertEquals(3, hidden.size(), "embeddings, after layer 0, after layer 1 + model.norm");
            NDArray stacked = NDArrays.stack(new NDList(hidden));
            assertClose("right_pad.hidden_states", in(m, "right_pad.hidden_states").toFloatArray(), stacked.toFloatArray(),
                    Golden.repeat(valid, 3), Golden.TOLERANCE);
        }
    }

    @Test
    void singleRowLogits() {
        try (NDManager m = manager.newSubManager(); GradMode g = GradMode.disabled()) {
            assertClose("single.logits", in(m, "single.logits"), model.logits(in(m, "single.input_ids"), null, null, null));
        }
    }

    @Test
    void leftPaddedLogitsWithPositionIds() {
        try (NDManager m = manager.newSubManager(); GradMode g = GradMode.disabled()) {
            NDArray mask = in(m, "left_pad.attention_mask");
            NDArray positions = AttentionMasks.positionIds(mask);
            assertEquals(Golden.str(in(m, "left_pad.position_ids").toLongArray()), Golden.str(positions.toLongArray()));
            NDArray logits = model.logits(in(m, "left_pad.input_ids"), mask, positions, null);
            assertClose("left_pad.logits", in(m, "left_pad.logits").toFloatArray(), logits.toFloatArray(),
                    Golden.validPositions(mask.toLongArray()), Golden.TOLERANCE);
        }
    }

    @Test
    void tokenLogProbs() {
        try (NDManager m = manager.newSubManager(); GradMode g = GradMode.disabled()) {
            NDArray ids = in(m, "logprobs.input_ids");
            NDArray lp = LogProbs.gather(model.logits(ids, null, null, null).get(":, :-1, :"), ids.get(":, 1:"));
            assertClose("logprobs.token_logprobs", in(m, "logprobs.token_logprobs"), lp);
        }
    }

    @Test
    void ropeTablesUseTheHalvesLayout() {
        try (NDManager m = manager.newSubManager()) {
            assertClose("debug.rope_inv_freq", expected.readFloats("debug.rope_inv_freq"),
                    LlamaModel.inverseFrequencies(model.config()));
            NDArray[] rope = model.rotaryTables(m.arange(0L, 10L).reshape(1, 10)); // (1, 10, 8)
            assertClose("debug.rope_cos", in(m, "debug.rope_cos"), rope[0].reshape(10, 8));
            assertClose("debug.rope_sin", in(m, "debug.rope_sin"), rope[1].reshape(10, 8));
        }
    }

    @Test
    void lossAndGradients() {
        try (NDManager m = manager.newSubManager()) {
            model.parameters().setTrainable(n -> true);
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                NDArray logits = model.logits(in(m, "backward.input_ids"), in(m, "backward.attention_mask"), null, null);
                NDArray[] shifted = TokenLoss.shiftForCausal(logits, in(m, "backward.labels"));
                NDArray loss = TokenLoss.meanCrossEntropy(shifted[0], shifted[1]);
                assertClose("backward.loss", in(m, "backward.loss").toFloatArray(), new float[] {loss.getFloat()});
                gc.backward(loss);
            }
            int compared = 0;
            for (String name : expected.names()) {
                if (name.startsWith("grad.")) {
                    assertClose(name, in(m, name), model.parameters().get(name.substring(5)).getGradient());
                    compared++;
                }
            }
            assertEquals(6, compared);
        } finally {
            model.parameters().zeroGradients();
            model.parameters().setTrainable(n -> false);
        }
    }

    /** The left_pad batch without its padding: the prompts Generator left-pads again. */
    List<long[]> prompts() {
        long[] ids = expected.readLongs("left_pad.input_ids");
        long[] mask = expected.readLongs("left_pad.attention_mask");
        List<long[]> out = new ArrayList<>();
        for (int r = 0; r < 2; r++) {
            final int row = r;
            out.add(java.util.stream.IntStream.range(0, 10).filter(t -> mask[row * 10 + t] == 1)
                    .mapToLong(t -> ids[row * 10 + t]).toArray());
        }
        return out;
    }

    @Test
    void greedyIdsAndStepScoresMatchTransformers() {
        GenerationOutput out = Generator.generate(model, prompts(),
                GenerationConfig.greedy(model.config(), 8).withEos(List.of()).withPad(0), true);
        long[] want = expected.readLongs("generate.output_ids"); // (2, 18): 10 prompt + 8 new tokens
        float[] wantScores = expected.readFloats("generate.scores"); // (2, 8, 512)
        for (int r = 0; r < 2; r++) {
            assertArrayEquals(Arrays.copyOfRange(want, r * 18 + 10, r * 18 + 18), out.responses()[r], "row " + r);
            assertClose("generate.scores row " + r, Arrays.copyOfRange(wantScores, r * 8 * VOCAB, (r + 1) * 8 * VOCAB),
                    flatten(out.scores()[r]));
        }
    }

    @Test
    void finishedRowsArePaddedAfterEos() {
        int eos = (int) expected.readLongs("generate_eos.eos_token_id")[0];
        GenerationOutput out = Generator.generate(model, prompts(),
                GenerationConfig.greedy(model.config(), 8).withEos(List.of(eos)).withPad(0));
        long[] want = expected.readLongs("generate_eos.output_ids"); // (2, 18)
        for (int r = 0; r < 2; r++) {
            assertArrayEquals(Arrays.copyOfRange(want, r * 18 + 10, (r + 1) * 18), out.responses()[r], "row " + r);
        }
        assertTrue(out.finished()[0]);
    }

    /** A cache-free greedy loop (full forward over the whole left-padded sequence each step) agrees with the cached one. */
    @Test
    void cachedDecodingEqualsCacheFreeDecoding() {
        GenerationOutput cached = Generator.generate(model, prompts(),
                GenerationConfig.greedy(model.config(), 8).withEos(List.of()).withPad(0), true);
        try (NDManager m = manager.newSubManager(); GradMode g = GradMode.disabled()) {
            long[] ids = expected.readLongs("left_pad.input_ids");
            long[] mask = expected.readLongs("left_pad.attention_mask");
            for (int step = 0; step < 8; step++) {
                int width = 10 + step;
                long[] stepMask = new long[2 * width];
                for (int r = 0; r < 2; r++) {
                    System.arraycopy(mask, r * 10, stepMask, r * width, 10);
                    Arrays.fill(stepMask, r * width + 10, (r + 1) * width, 1);
                }
                NDArray maskNd = m.create(stepMask, new Shape(2, width));
                NDArray logits = model.logits(m.create(ids, new Shape(2, width)), maskNd, AttentionMasks.positionIds(maskNd), null)
                        .get(":, -1, :"); // (2, V)
                long[] argmax = logits.argMax(1).toLongArray();
                float[] flat = logits.toFloatArray();
                long[] next = new long[2 * (width + 1)];
                for (int r = 0; r < 2; r++) {
                    assertEquals(cached.responses()[r][step], argmax[r], "row " + r + " step " + step);
                    assertClose("step " + step + " row " + r, Arrays.copyOfRange(flat, r * VOCAB, (r + 1) * VOCAB),
                            cached.scores()[r][step]);
                    System.arraycopy(ids, r * width, next, r * (width + 1), width);
                    next[r * (width + 1) + width] = argmax[r];
                }
                ids = next;
            }
        }
    }

    /** Prefilling in two chunks (the second attends over cached keys of the first) equals one pass. */
    @Test
    void chunkedPrefillWithCacheEqualsOnePass() {
        try (NDManager m = manager.newSubManager(); GradMode g = GradMode.disabled(); KvCache cache = model.newCache(4)) {
            NDArray ids = in(m, "left_pad.input_ids");
            NDArray mask = in(m, "left_pad.attention_mask");
            NDArray positions = AttentionMasks.positionIds(mask);
            NDArray full = model.logits(ids, mask, positions, null);
            NDArray first = model.logits(ids.get(":, :6"), mask.get(":, :6"), positions.get(":, :6"), cache);
            NDArray second = model.logits(ids.get(":, 6:"), mask, positions.get(":, 6:"), cache);
            boolean[] valid = Golden.validPositions(mask.toLongArray());
            assertClose("chunked prefill", full.toFloatArray(), first.concat(second, 1).toFloatArray(), valid, 1e-5);
        }
    }

    /**
     * RoPE is relative, so the golden left-pad case cannot tell whether position ids are used. Check it
     * here: shifting a row's positions by a constant changes nothing, a non-uniform change (stride 2)
     * changes the logits a lot, and each row uses its own position ids.
     */
    @Test
    void positionIdsArePerRowAndRelative() {
        try (NDManager m = manager.newSubManager(); GradMode g = GradMode.disabled()) {
            NDArray ids = in(m, "logprobs.input_ids"); // (1, 10)
            NDArray base = model.logits(ids, null, m.arange(0L, 10L).reshape(1, 10), null);
            NDArray shifted = model.logits(ids, null, m.arange(37L, 47L).reshape(1, 10), null);
            assertClose("positions + 37", base, shifted);
            NDArray strided = model.logits(ids, null, m.arange(0L, 20L, 2L).reshape(1, 10), null);
            float moved = strided.sub(base).abs().max().getFloat();
            assertTrue(moved > 0.05, "stride-2 positions moved the logits by only " + moved);
            // Batch of two identical rows with different positions: row 1 must use its own (stride 2).
            NDArray batch = model.logits(ids.concat(ids, 0), null,
                    m.arange(0L, 10L).concat(m.arange(0L, 20L, 2L)).reshape(2, 10), null);
            assertClose("row 0 of the batch", base, batch.get("0:1"));
            assertClose("row 1 of the batch", strided, batch.get("1:2"));
        }
    }

    static float[] flatten(float[][] rows) {
        float[] out = new float[rows.length * rows[0].length];
        for (int i = 0; i < rows.length; i++) {
            System.arraycopy(rows[i], 0, out, i * rows[0].length, rows[0].length);
        }
        return out;
    }
}
