package trl4j.model.llama;

/** {@code LlamaForCausalLM} (GQA 4 query / 2 kv heads, untied lm_head) against transformers 4.38.2. */
class LlamaParityTest extends LlamaFamilyParityTest {

    @Override
    String golden() {
        return "llama";
    }
}
