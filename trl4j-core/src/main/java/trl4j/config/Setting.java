package trl4j.config;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * One value headed for a canonical key, with where it came from.
 *
 * @param path canonical dotted key ({@code learning_rate}, {@code gen_kwargs.top_k})
 * @param value the YAML value (a string when it came from the command line unparsed)
 * @param source the file or "command line"; "defaults" for defaults
 * @param sourcePath the key as the source spelt it ({@code optimizer.kwargs.lr}, {@code --learning_rate})
 */
record Setting(String path, JsonNode value, String source, String sourcePath) {

    /** What a message names: {@code sft.yaml: optimizer.kwargs.lr (learning_rate)}. */
    String origin() {
        String bare = sourcePath.startsWith("--") ? sourcePath.substring(2) : sourcePath;
        boolean same = bare.equals(path) || bare.endsWith("." + path);
        String canonical = same ? "" : " (" + path + ")";
        return source + ": " + sourcePath + canonical;
    }
}
