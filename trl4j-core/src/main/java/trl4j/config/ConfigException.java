package trl4j.config;

/**
 * A config value a user must fix: an unknown key, a value of the wrong type, or one out of range.
 * The message names the key (its full dotted path and, once the loader has seen it, the file or
 * command-line argument it came from) so the user knows exactly what to change.
 *
 * <p>Record constructors throw it through {@link #require}; {@link ConfigLoader} re-throws it with
 * the origin of the key ({@code sft.yaml: optimizer.kwargs.lr = -1.0: must be > 0}).
 */
public final class ConfigException extends IllegalArgumentException {

    private static final long serialVersionUID = 1L;

    private final String key;
    private final String problem;

    /**
     * @param key canonical dotted key the problem is about ({@code learning_rate},
     *     {@code gen_kwargs.top_k}), or null when it concerns no single key
     * @param message the whole message shown to the user
     * @param problem what is wrong with the value, without the key ({@code must be > 0 (got -1.0)})
     */
    public ConfigException(String key, String message, String problem) {
        super(message);
        this.key = key;
        this.problem = problem;
    }

    /** A problem with the value of {@code key}: {@code "key = value: rule"}. */
    public static ConfigException invalid(String key, Object value, String rule) {
        String problem = "= " + show(value) + ": " + rule;
        return new ConfigException(key, key + " " + problem, problem);
    }

    /** Throws {@link #invalid} unless {@code ok}; for validating compact constructors. */
    public static void require(boolean ok, String key, Object value, String rule) {
        if (!ok) {
            throw invalid(key, value, rule);
        }
    }

    /** The canonical dotted key, or null. */
    public String key() {
        return key;
    }

    /** The message without the key, to be prefixed with where the key came from. */
    public String problem() {
        return problem;
    }

    /** The same problem, now located: {@code origin} replaces the bare key at the start of the message. */
    public ConfigException at(String origin) {
        return new ConfigException(key, origin + " " + problem, problem);
    }

    /** A key prefixed with its parent ({@code top_k} inside {@code gen_kwargs} → {@code gen_kwargs.top_k}). */
    ConfigException under(String parent) {
        String full = key == null ? parent : parent + "." + key;
        return new ConfigException(full, full + " " + problem, problem);
    }

    static String show(Object value) {
        if (value instanceof String s) {
            return '"' + s + '"';
        }
        if (value instanceof com.fasterxml.jackson.databind.JsonNode node) {
            return node.isTextual() ? '"' + node.textValue() + '"' : node.toString();
        }
        return String.valueOf(value);
    }
}
