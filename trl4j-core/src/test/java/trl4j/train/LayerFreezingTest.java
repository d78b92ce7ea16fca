package trl4j.train;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDManager;
import java.util.List;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import trl4j.model.LanguageModel;
import trl4j.model.gpt2.Gpt2Config;
import trl4j.model.registry.Models;
import trl4j.model.t5.T5Config;

/** num_layers_unfrozen on real parameter lists: the top blocks and what follows them train. */
class LayerFreezingTest {

    @Test
    void gpt2TopBlocksFinalNormAndHeadsTrain() {
        try (NDManager m = NDManager.newBaseManager(); LanguageModel lm = Models.initialize(Gpt2Config.of(64, 16, 8, 3, 2, 1, 1, 0), m, 1)) {
            Predicate<String> one = LayerFreezing.trainable(lm.parameters(), 1);
            List<String> trained = lm.parameters().select(one);
            assertEquals(14, trained.size(), trained.toString()); // 12 tensors of block 2 + ln_f weight and bias
            assertEquals(true, trained.stream().allMatch(n -> n.startsWith("transformer.h.2.") || n.startsWith("transformer.ln_f.")));
            assertEquals(2, lm.parameters().select(LayerFreezing.trainable(lm.parameters(), 0)).size());
            assertEquals(lm.parameters().names().size(), lm.parameters().select(LayerFreezing.trainable(lm.parameters(), -1)).size());
            assertEquals(lm.parameters().names().size() - 2, lm.parameters().select(LayerFreezing.trainable(lm.parameters(), 3)).size(),
                    "all blocks, but not the embeddings");
        }
    }

    @Test
    void t5CountsDecoderBlocksAndFreezesTheEncoder() {
        try (NDManager m = NDManager.newBaseManager();
                LanguageModel lm = Models.initialize(T5Config.of(64, 8, 4, 16, 2, 2, "relu", true), m, 1)) {
            List<String> trained = lm.parameters().select(LayerFreezing.trainable(lm.parameters(), 1));
            assertEquals(true, trained.stream().allMatch(n -> n.startsWith("decoder.block.1.") || n.equals("decoder.final_layer_norm.weight")),
                    trained.toString());
            assertEquals(true, trained.contains("decoder.final_layer_norm.weight"));
        }
    }
}
