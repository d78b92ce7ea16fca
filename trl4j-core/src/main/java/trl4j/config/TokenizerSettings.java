package trl4j.config;

/**
 * How texts become token ids (trlX's {@code tokenizer} section).
 *
 * @param tokenizerPath folder with {@code tokenizer.json}; default null = the model's folder
 * @param truncationSide which end of a too-long text is cut; default right (trlX and HF)
 * @param paddingSide where pad tokens go in a batch; default right (HF tokenizers; trlX files default
 *     to left, see {@link TrlxLayout})
 */
public record TokenizerSettings(String tokenizerPath, Side truncationSide, Side paddingSide) {

    /** An end of a token sequence. */
    public enum Side { LEFT, RIGHT }

    public static final TokenizerSettings DEFAULTS = new TokenizerSettings(null, Side.RIGHT, Side.RIGHT);

    public TokenizerSettings {
        ConfigException.require(truncationSide != null, "truncation_side", null, "must be left or right");
        ConfigException.require(paddingSide != null, "padding_side", null, "must be left or right");
    }
}
