package trl4j.config;

import java.util.List;

/**
 * A resolved config and what the loader wants the user to know.
 *
 * @param config the validated config
 * @param notes keys accepted without effect ("train.tracker is ignored (…)"), for the stage to print
 * @param trlxLayout whether the file used trlX's nested layout
 */
public record LoadedConfig<M extends Record>(StageConfig<M> config, List<String> notes, boolean trlxLayout) {

    public LoadedConfig {
        notes = List.copyOf(notes);
    }
}
