package trl4j.model.gpt2;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static trl4j.testing.Golden.assertClose;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import trl4j.checkpoint.ConfigJson;
import trl4j.checkpoint.SafeTensorsFile;
import trl4j.tensor.GradMode;
import trl4j.tensor.LogProbs;
import trl4j.tensor.TokenLoss;
import trl4j.testing.Golden;

/** GPT-2 against Hugging Face transformers 4.38.2 (golden vectors of {@code ../shared/golden/models/gpt2}). */
class Gpt2ParityTest {

    static NDManager manager;
    static Gpt2Model model;
    static SafeTensorsFile expected;

    @BeforeAll
    static void load() {
        manager = NDManager.newBaseManager();
        Gpt2Config config = Gpt2Config.from(ConfigJson.read(Golden.model("gpt2").resolve("config.json")));
        try (SafeTensorsFile weights = SafeTensorsFile.open(Golden.model("gpt2").resolve("model.safetensors"))) {
            model = Gpt2Model.load(config, weights, manager);
        }
        expected = Golden.expected("gpt2");
    }

    @AfterAll
    static void close() {
        expected.close();
        model.close();
        manager.close();
    }

    private NDArray in(NDManager m, String name) {
        return expected.read(name, m);
    }

    @Test
    void rightPaddedLogitsAndHiddenStates() {
        try (NDManager m = manager.newSubManager(); GradMode g = GradMode.disabled()) {
            NDArray ids = in(m, "right_pad.input_ids");
            NDArray mask = in(m, "right_pad.attention_mask");
            List<NDArray> hidden = new ArrayList<>();
            NDArray logits = model.lmHead(model.hidden(ids, mask, null, null, hidden));
            boolean[] valid = Golden.validPositions(mask.toLongArray());
            assertClose("right_pad.logits", in(m, "right_pad.logits").toFloatArray(), logits.toFloatArray(), valid, Golden.TOLERANCE);
            assertEquals(3, hidden.size());
            NDArray stacked = ai.djl.ndarray.NDArrays.stack(new ai.djl.ndarray.NDList(hidden));
            assertClose("right_pad.hidden_states", in(m, "right_pad.hidden_states").toFloatArray(), stacked.toFloatArray(),
                    Golden.repeat(valid, 3), Golden.TOLERANCE);
        }
    }

    @Test
    void singleRowLogits() {
        try (NDManager m = manager.newSubManager(); GradMode g = GradMode.disabled()) {
            NDArray logits = model.logits(in(m, "single.input_ids"), null, null, null);
            assertClose("single.logits", in(m, "single.logits"), logits);
        }
    }

    @Test
    void leftPaddedLogitsWithPositionIds() {
        try (NDManager m = manager.newSubManager(); GradMode g = GradMode.disabled()) {
            NDArray mask = in(m, "left_pad.attention_mask");
            NDArray positions = trl4j.tensor.AttentionMasks.positionIds(mask);
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
            NDArray logits = model.logits(ids, null, null, null);
            NDArray lp = LogProbs.gather(logits.get(":, :-1, :"), ids.get(":, 1:"));
            assertClose("logprobs.token_logprobs", in(m, "logprobs.token_logprobs"), lp);
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
            for (String name : expected.names()) {
                if (!name.startsWith("grad.")) {
                    continue;
                }
                String param = name.substring(5);
                NDArray grad = model.parameters().get(param).getGradient();
                if (model.parameters().spec(param).transposed()) {
                    grad = grad.transpose();
                }
                assertClose(name, in(m, name), grad);
            }
        } finally {
            model.parameters().zeroGradients();
            model.parameters().setTrainable(n -> false);
        }
    }
}
