package trl4j.cli;

import java.util.List;

/** The {@code --key=value} config overrides a training command collects after its own options. */
final class Overrides {

    private Overrides() {
    }

    /**
     * Fails (one line) on an argument that is not {@code --key=value}: a typo'd option or a stray word would
     * otherwise reach the config loader as a key.
     *
     * @param form how overrides are written, for the message (e.g. "overrides are --key=value")
     */
    static void requireKeyValue(List<String> overrides, String form) {
        for (String o : overrides) {
            if (!o.startsWith("--") || !o.contains("=")) {
                throw new IllegalArgumentException("unexpected argument '" + o + "' (" + form + ")");
            }
        }
    }
}
