package trl4j.model.t5;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static trl4j.testing.Golden.assertClose;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import trl4j.checkpoint.ConfigJson;
import trl4j.checkpoint.SafeTensorsFile;
import trl4j.tensor.GradMode;
import trl4j.tensor.TokenLoss;
import trl4j.testing.Golden;

/**
 * T5 v1.0 ({@code t5}: relu, tied head with rescale) and v1.1 ({@code t5-v1_1}: gated-gelu, untied head)
 * against Hugging Face transformers 4.38.2 (golden vectors of {@code ../shared/golden/models/}).
 */
class T5ParityTest {

    static NDManager manager;
    static final Map<String, T5Model> MODELS = new HashMap<>();
    static final Map<String, SafeTensorsFile> EXPECTED = new HashMap<>();

    @BeforeAll
    static void load() {
        manager = NDManager.newBaseManager();
        for (String name : List.of("t5", "t5-v1_1")) {
            T5Config config = T5Config.from(ConfigJson.read(Golden.model(name).resolve("config.json")));
            try (SafeTensorsFile weights = SafeTensorsFile.open(Golden.model(name).resolve("model.safetensors"))) {
                MODELS.put(name, T5Model.load(config, weights, manager));
            }
            EXPECTED.put(name, Golden.expected(name));
        }
    }

    @AfterAll
    static void close() {
        EXPECTED.values().forEach(SafeTensorsFile::close);
        MODELS.values().forEach(T5Model::close);
        manager.close();
    }

    static NDArray in(NDManager m, String model, String name) {
        return EXPECTED.get(model).read(name, m);
    }

    @ParameterizedTest
    @ValueSource(strings = {"t5", "t5-v1_1"})
    void configMatchesTheGoldenModel(String name) {
        T5Config c = MODELS.get(name).config();
        assertEquals(32, c.dModel());
        assertEquals(2, c.numDecoderLayers());
        assertEquals(name.equals("t5"), c.tieWordEmbeddings());
        assertEquals(name.equals("t5") ? "relu" : "gelu_new", c.denseActFn());
        assertEquals(!name.equals("t5"), c.isGatedAct());
        assertEquals(0, c.decoderStartTokenId());
    }

    @ParameterizedTest
    @ValueSource(strings = {"t5", "t5-v1_1"})
    void forwardLogitsAndHiddenStates(String name) {
        T5Model model = MODELS.get(name);
        try (NDManager m = manager.newSubManager(); GradMode g = GradMode.disabled()) {
            NDArray mask = in(m, name, "forward.attention_mask");
            List<NDArray> encoderStates = new ArrayList<>();
            List<NDArray> decoderStates = new ArrayList<>();
            NDArray encoded = model.encode(in(m, name, "forward.input_ids"), mask, encoderStates);
            NDArray hidden = model.decode(in(m, name, "forward.decoder_input_ids"), encoded, mask, null, decoderStates);
            NDArray logits = model.lmHead(hidden);

            // Decoder outputs: every position; encoder outputs: positions with attention_mask 1.
            assertClose("forward.logits", in(m, name, "forward.logits"), logits);
            boolean[] valid = Golden.validPositions(mask.toLongArray());
            assertClose("forward.encoder_last_hidden_state", in(m, name, "forward.encoder_last_hidden_state").toFloatArray(),
                    encoded.toFloatArray(), valid, Golden.TOLERANCE);
            assertEquals(3, encoderStates.size());
            assertEquals(3, decoderStates.size());
            assertClose("forward.encoder_hidden_states", in(m, name, "forward.encoder_hidden_states").toFloatArray(),
                    NDArrays.stack(new NDList(encoderStates)).toFloatArray(), Golden.repeat(valid, 3), Golden.TOLERANCE);
            assertClose("forward.decoder_hidden_states", in(m, name, "forward.decoder_hidden_states"),
                    NDArrays.stack(new NDList(decoderStates)));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"t5", "t5-v1_1"})
    void unpaddedRowMatchesItsPaddedTwin(String name) {
        T5Model model = MODELS.get(name);
        try (NDManager m = manager.newSubManager(); GradMode g = GradMode.disabled()) {
            NDArray ids = in(m, name, "single.input_ids");
            NDArray encoded = model.encode(ids, null, null);
            assertClose("single.encoder_last_hidden_state", in(m, name, "single.encoder_last_hidden_state"), encoded);
            NDArray logits = model.lmHead(model.decode(in(m, name, "single.decoder_input_ids"), encoded, null, null, null));
            assertClose("single.logits", in(m, name, "single.logits"), logits);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"t5", "t5-v1_1"})
    void relativePositionBuckets(String name) {
        SafeTensorsFile expected = EXPECTED.get(name);
        long[] offsets = expected.readLongs("debug.relative_position");
        long[] bidirectional = expected.readLongs("debug.bucket_bidirectional");
        long[] unidirectional = expected.readLongs("debug.bucket_unidirectional");
        assertEquals(401, offsets.length);
        long[] gotBi = new long[offsets.length];
        long[] gotUni = new long[offsets.length];
        for (int i = 0; i < offsets.length; i++) {
            gotBi[i] = T5PositionBias.bucket(offsets[i], true, 32, 128);
            gotUni[i] = T5PositionBias.bucket(offsets[i], false, 32, 128);
        }
        assertArrayEquals(bidirectional, gotBi, "bidirectional buckets");
        assertArrayEquals(unidirectional, gotUni, "unidirectional buckets");
    }

    @ParameterizedTest
    @ValueSource(strings = {"t5", "t5-v1_1"})
    void positionBiasOfTheFirstBlocks(String name) {
        T5Model model = MODELS.get(name);
        T5Config c = model.config();
        try (NDManager m = manager.newSubManager(); GradMode g = GradMode.disabled()) {
            NDArray encoderTable = model.parameters().get("encoder.block.0.layer.0.SelfAttention.relative_attention_bias.weight");
            NDArray decoderTable = model.parameters().get("decoder.block.0.layer.0.SelfAttention.relative_attention_bias.weight");
            assertClose("debug.encoder_position_bias", in(m, name, "debug.encoder_position_bias"),
                    T5PositionBias.compute(m, encoderTable, c, true, 0, 24, 24));
            NDArray decoderBias = in(m, name, "debug.decoder_position_bias"); // (1, H, 12, 12)
            assertClose("debug.decoder_position_bias", decoderBias, T5PositionBias.compute(m, decoderTable, c, false, 0, 12, 12));
            // A cached step's bias is the matching row of the full one (query 7 over keys 0..7).
            assertClose("decoder bias row 7", decoderBias.get(":, :, 7:8, :8"),
                    T5PositionBias.compute(m, decoderTable, c, false, 7, 1, 8));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"t5", "t5-v1_1"})
    void shiftRightBuildsTheDecoderInputsHfDerives(String name) {
        try (NDManager m = manager.newSubManager()) {
            NDArray labels = in(m, name, "backward.labels");
            assertArrayEquals(in(m, name, "backward.decoder_input_ids").toLongArray(),
                    T5Model.shiftRight(labels, 0, 0).toLongArray());
            NDArray custom = T5Model.shiftRight(m.create(new long[] {5, -100, 7, 8}, new ai.djl.ndarray.types.Shape(2, 2)), 9, 3);
            assertArrayEquals(new long[] {9, 5, 9, 7}, custom.toLongArray());
            NDArray one = T5Model.shiftRight(m.create(new long[] {-100}, new ai.djl.ndarray.types.Shape(1, 1)), 4, 0);
            assertArrayEquals(new long[] {4}, one.toLongArray());
            assertArrayEquals(new long[] {1, 1}, one.getShape().getShape());
        }
    }

    /** Dropout is off unless training is switched on (HF's eval() / train()). */
    @ParameterizedTest
    @ValueSource(strings = {"t5", "t5-v1_1"})
    void dropoutOnlyWhenTraining(String name) {
        T5Model model = MODELS.get(name);
        try (NDManager m = manager.newSubManager(); GradMode g = GradMode.disabled()) {
            NDArray ids = in(m, name, "forward.input_ids");
            NDArray mask = in(m, name, "forward.attention_mask");
            NDArray dec = in(m, name, "forward.decoder_input_ids");
            float[] eval = model.logits(ids, mask, dec).toFloatArray();
            model.setTraining(true);
            float[] train;
            try {
                train = model.logits(ids, mask, dec).toFloatArray();
            } finally {
                model.setTraining(false);
            }
            boolean differs = false;
            for (int i = 0; i < eval.length; i++) {
                assertTrue(Float.isFinite(train[i]));
                differs |= train[i] != eval[i];
            }
            assertTrue(differs, "dropout_rate 0.1 changes a training pass");
            assertArrayEquals(eval, model.logits(ids, mask, dec).toFloatArray());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"t5", "t5-v1_1"})
    void lossAndGradients(String name) {
        T5Model model = MODELS.get(name);
        try (NDManager m = manager.newSubManager()) {
            model.parameters().setTrainable(n -> true);
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                NDArray labels = in(m, name, "backward.labels");
                NDArray decoderIds = T5Model.shiftRight(labels, model.decoderStartTokenId(), model.config().padTokenId());
                NDArray logits = model.logits(in(m, name, "backward.input_ids"), in(m, name, "backward.attention_mask"), decoderIds);
                assertClose("backward.logits", in(m, name, "backward.logits"), logits);
                // T5 does not shift inside the loss: the shift is in decoder_input_ids.
                NDArray loss = TokenLoss.meanCrossEntropy(logits, labels);
                assertClose("backward.loss", in(m, name, "backward.loss").toFloatArray(), new float[] {loss.getFloat()});
                gc.backward(loss);
            }
            int checked = 0;
            for (String tensor : EXPECTED.get(name).names()) {
                if (tensor.startsWith("grad.")) {
                    assertClose(tensor, in(m, name, tensor), model.parameters().get(tensor.substring(5)).getGradient());
                    checked++;
                }
            }
            assertEquals(name.equals("t5") ? 6 : 7, checked);
        } finally {
            model.parameters().zeroGradients();
            model.parameters().setTrainable(n -> false);
        }
    }
}
