package trl4j.train;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import trl4j.model.Parameters;

/**
 * trlX's {@code num_layers_unfrozen}: train only the top transformer blocks and what follows them (the
 * final norm and the heads); the embeddings and the lower blocks stay frozen, so backward stops below
 * the lowest trained block. trlX's summarize_rlhf reward model freezes the lower 70% of GPT-J the same
 * way.
 *
 * <p>Works on Hugging Face parameter names in state-dict order, without knowing the architecture: a
 * block's parameters are those whose name has a numeric component ({@code transformer.h.3.…},
 * {@code model.layers.3.…}, {@code decoder.block.3.…}); the blocks counted are those of the last
 * stack (the decoder of an encoder–decoder), and the parameters after its last block are the final
 * norm and heads.
 */
public final class LayerFreezing {

    private static final Pattern BLOCK = Pattern.compile("^(.*?)\\.(\\d+)\\.");

    private LayerFreezing() {}

    /**
     * Which parameters train.
     *
     * @param numLayersUnfrozen top blocks that train; −1 = every parameter; 0 = only the final norm
     *     and heads
     */
    public static Predicate<String> trainable(Parameters params, int numLayersUnfrozen) {
        if (numLayersUnfrozen < 0) {
            return name -> true;
        }
        List<String> names = List.copyOf(params.names());
        String lastStack = null;
        int lastBlockAt = -1;
        int layers = 0;
        for (int i = 0; i < names.size(); i++) {
            Matcher m = BLOCK.matcher(names.get(i));
            if (m.find()) {
                if (!m.group(1).equals(lastStack)) {
                    lastStack = m.group(1);
                    layers = 0;
                }
                layers = Math.max(layers, Integer.parseInt(m.group(2)) + 1);
                lastBlockAt = i;
            }
        }
        Set<String> train = new HashSet<>();
        for (int i = 0; i < names.size(); i++) {
            Matcher m = BLOCK.matcher(names.get(i));
            boolean topBlock = m.find() && m.group(1).equals(lastStack) && Integer.parseInt(m.group(2)) >= layers - numLayersUnfrozen;
            if (topBlock || i > lastBlockAt) {
                train.add(names.get(i));
            }
        }
        return train::contains;
    }
}
