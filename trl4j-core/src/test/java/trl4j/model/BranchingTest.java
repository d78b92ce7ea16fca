package trl4j.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static trl4j.testing.Golden.assertClose;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import trl4j.model.registry.Models;
import trl4j.tensor.AttentionMasks;
import trl4j.tensor.GradMode;
import trl4j.testing.Golden;

/**
 * What trlX's hydra heads need from an architecture: running the top blocks from a middle layer's
 * input gives the full pass's output (left padding and position ids included), and every parameter
 * reports its depth. Also {@link Parameters#putShared} and {@link Models#assemble}.
 */
class BranchingTest {

    static NDManager manager;

    @BeforeAll
    static void open() {
        manager = NDManager.newBaseManager();
    }

    @AfterAll
    static void close() {
        manager.close();
    }

    /** Two left-padded rows of the golden vocabulary (512). */
    static NDArray[] batch(NDManager m) {
        long[] ids = {0, 0, 5, 17, 300, 42, 7, 9, 11, 13, 250, 3};
        long[] mask = {0, 0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1};
        return new NDArray[] {m.create(ids, new Shape(2, 6)), m.create(mask, new Shape(2, 6))};
    }

    @ParameterizedTest
    @ValueSource(strings = {"gpt2", "llama", "qwen2"})
    void causalModelsContinueFromAnyLayer(String name) {
        try (NDManager m = manager.newSubManager(); GradMode g = GradMode.disabled();
                LanguageModel model = Models.load(Golden.model(name), m)) {
            CausalLm lm = (CausalLm) model;
            NDArray[] b = batch(m);
            NDArray positions = AttentionMasks.positionIds(b[1]);
            List<NDArray> collect = new ArrayList<>();
            NDArray full = lm.hidden(b[0], b[1], positions, null, collect);
            int layers = model.config().numLayers();
            assertEquals(layers + 1, collect.size());
            boolean[] valid = {false, false, true, true, true, true, true, true, true, true, true, true};
            for (int layer = 0; layer < layers; layer++) {
                NDArray from = lm.hiddenFrom(layer, collect.get(layer), b[1], positions);
                assertClose(name + " from layer " + layer, full.toFloatArray(), from.toFloatArray(), valid, 1e-6); // rows of H
            }
            assertThrows(IllegalArgumentException.class, () -> lm.hiddenFrom(layers, collect.get(layers), b[1], positions));
        }
    }

    @Test
    void t5DecoderContinuesFromAnyLayer() {
        for (String name : List.of("t5", "t5-v1_1")) {
            try (NDManager m = manager.newSubManager(); GradMode g = GradMode.disabled();
                    LanguageModel model = Models.load(Golden.model(name), m)) {
                Seq2SeqLm s2s = (Seq2SeqLm) model;
                NDArray src = m.create(new long[] {5, 6, 7, 1, 8, 9, 1, 0}, new Shape(2, 4));
                NDArray srcMask = m.create(new long[] {1, 1, 1, 1, 1, 1, 1, 0}, new Shape(2, 4));
                NDArray dec = m.create(new long[] {0, 11, 12, 0, 13, 1}, new Shape(2, 3));
                NDArray encoded = s2s.encode(src, srcMask, null);
                List<NDArray> collect = new ArrayList<>();
                NDArray full = s2s.decode(dec, encoded, srcMask, null, collect);
                for (int layer = 0; layer < 2; layer++) {
                    NDArray from = s2s.decodeFrom(layer, collect.get(layer), encoded, srcMask);
                    assertClose(name + " decoder from layer " + layer, full.toFloatArray(), from.toFloatArray(), null, 1e-6);
                }
            }
        }
    }

    @Test
    void depthsPlaceEveryParameter() {
        Map<String, Map<String, Integer>> expected = Map.of(
                "gpt2", Map.of("transformer.wte.weight", -1, "transformer.wpe.weight", -1, "transformer.h.0.ln_1.weight", 0,
                        "transformer.h.1.mlp.c_proj.bias", 1, "transformer.ln_f.bias", 2),
                "llama", Map.of("model.embed_tokens.weight", -1, "model.layers.1.self_attn.q_proj.weight", 1, "model.norm.weight", 2,
                        "lm_head.weight", 2),
                "t5", Map.of("shared.weight", -1, "encoder.block.1.layer.0.SelfAttention.q.weight", -1,
                        "decoder.block.0.layer.0.SelfAttention.relative_attention_bias.weight", 0,
                        "decoder.block.1.layer.2.DenseReluDense.wo.weight", 1, "decoder.final_layer_norm.weight", 2));
        for (var e : expected.entrySet()) {
            try (NDManager m = manager.newSubManager(); LanguageModel model = Models.load(Golden.model(e.getKey()), m)) {
                e.getValue().forEach((param, depth) -> assertEquals(depth, model.depthOf(param), e.getKey() + " " + param));
                for (String n : model.parameters().names()) {
                    int d = model.depthOf(n);
                    assertEquals(true, d >= -1 && d <= 2, n + " has depth " + d);
                }
                assertThrows(IllegalArgumentException.class, () -> model.depthOf("no.such.weight"));
            }
        }
    }

    @Test
    void assembledModelsShareArraysWithoutOwningThem() {
        Path dir = Golden.model("gpt2");
        try (NDManager m = manager.newSubManager(); GradMode g = GradMode.disabled(); LanguageModel model = Models.load(dir, m)) {
            Parameters view = new Parameters(m.newSubManager());
            model.parameters().asMap().forEach((n, a) -> view.putShared(model.parameters().spec(n), a));
            CausalLm twin = (CausalLm) Models.assemble(model.config(), view);
            NDArray[] b = batch(m);
            NDArray want = ((CausalLm) model).logits(b[0], b[1], AttentionMasks.positionIds(b[1]), null);
            NDArray got = twin.logits(b[0], b[1], AttentionMasks.positionIds(b[1]), null);
            assertClose("assembled over shared arrays", want.toFloatArray(), got.toFloatArray(), null, 0);
            view.close(); // closes nothing of the model's
            assertEquals(want.toFloatArray().length, ((CausalLm) model).logits(b[0], b[1], null, null).toFloatArray().length);
            Parameters missing = new Parameters(m.newSubManager());
            assertThrows(IllegalArgumentException.class, () -> Models.assemble(model.config(), missing));
        }
    }
}
