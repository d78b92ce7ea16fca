package trl4j.model;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;

/** What every architecture's config record tells the rest of trl4j. */
public interface ModelConfig {

    /** Hugging Face {@code model_type} ("gpt2", "t5", "llama", "qwen2"). */
    String modelType();

    int vocabSize();

    /** Width of the final hidden state (what value and reward heads read). */
    int hiddenSize();

    /** Number of transformer blocks (per stack for encoder–decoders). */
    int numLayers();

    /** Longest sequence the model can attend over, or 0 when unbounded (T5's relative positions). */
    int maxPositions();

    Integer bosTokenId();

    /** End-of-sequence ids (HF allows several). Empty when the config has none. */
    List<Integer> eosTokenIds();

    Integer padTokenId();

    /** Whether the output head shares the input embedding. */
    boolean tieWordEmbeddings();

    /** The complete {@code config.json} object to write (the file's unknown harmless keys kept). */
    ObjectNode toHfJson();
}
