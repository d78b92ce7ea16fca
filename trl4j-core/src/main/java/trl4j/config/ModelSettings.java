package trl4j.config;

/**
 * Which model a stage starts from (trlX's {@code model} section).
 *
 * @param modelNameOrPath a Hugging Face model folder, or a stage's preset name; default null (the
 *     stage says whether it needs one). trlX: {@code model.model_path}.
 * @param modelArchType causal or seq2seq; default null = read from the checkpoint's config.json
 *     (trlX requires it and defaults to causal).
 * @param numLayersUnfrozen how many top transformer layers train (trlX's hydra heads); default −1 =
 *     all layers; 0 = only the heads.
 */
public record ModelSettings(String modelNameOrPath, ArchType modelArchType, int numLayersUnfrozen) {

    /** Whether the policy is decoder-only or encoder–decoder (trlX's {@code model_arch_type}). */
    public enum ArchType { CAUSAL, SEQ2SEQ }

    public static final ModelSettings DEFAULTS = new ModelSettings(null, null, -1);

    public ModelSettings {
        ConfigException.require(numLayersUnfrozen >= -1, "num_layers_unfrozen", numLayersUnfrozen,
                "must be -1 (all layers) or a number of layers >= 0");
    }
}
