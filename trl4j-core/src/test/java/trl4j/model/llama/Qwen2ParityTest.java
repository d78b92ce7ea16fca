package trl4j.model.llama;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** {@code Qwen2ForCausalLM} (Llama plus q/k/v biases) against transformers 4.38.2. */
class Qwen2ParityTest extends LlamaFamilyParityTest {

    @Override
    String golden() {
        return "qwen2";
    }

    @Test
    void biasesOnQkvOnly() {
        var names = model.parameters().names();
        assertTrue(names.contains("model.layers.0.self_attn.q_proj.bias"));
        assertTrue(names.contains("model.layers.1.self_attn.v_proj.bias"));
        assertFalse(names.contains("model.layers.0.self_attn.o_proj.bias"));
        assertFalse(names.contains("model.layers.0.mlp.up_proj.bias"));
    }
}
