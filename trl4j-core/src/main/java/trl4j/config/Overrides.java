package trl4j.config;

import java.util.ArrayList;
import java.util.List;

/**
 * Dotted command-line overrides: {@code --train.batch_size=16}, {@code --learning_rate=3e-4},
 * {@code --method.gen_kwargs.max_new_tokens=24} (also {@code key=value} and {@code --key value}).
 * Keys may use either layout's names; values are typed later by the key they land on.
 */
public final class Overrides {

    /**
     * One override.
     *
     * @param path dotted key as typed, without dashes
     * @param value the value text (parsed as a YAML scalar or flow collection when bound)
     */
    public record Override(String path, String value) {

        public Override {
            if (path == null || path.isBlank() || path.startsWith(".") || path.endsWith(".") || path.contains("..")) {
                throw new ConfigException(null, "command line: '--" + path + "' is not a dotted key (e.g. --train.batch_size=16)",
                        "is not a dotted key");
            }
        }
    }

    private Overrides() {}

    /** Parses arguments; every argument must be an override. */
    public static List<Override> parse(List<String> args) {
        List<Override> out = new ArrayList<>();
        for (int i = 0; i < args.size(); i++) {
            String arg = args.get(i);
            String body = arg.startsWith("--") ? arg.substring(2) : arg;
            int eq = body.indexOf('=');
            if (eq >= 0) {
                out.add(new Override(body.substring(0, eq).trim(), body.substring(eq + 1)));
            } else if (arg.startsWith("--") && i + 1 < args.size() && !args.get(i + 1).startsWith("--")) {
                out.add(new Override(body.trim(), args.get(++i)));
            } else {
                throw new ConfigException(null, "command line: '" + arg + "' needs a value (write --"
                        + body + "=VALUE)", "needs a value");
            }
        }
        return out;
    }
}
