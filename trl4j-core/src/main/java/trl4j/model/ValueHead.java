package trl4j.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.core.Linear;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import trl4j.checkpoint.CheckpointException;
import trl4j.checkpoint.DType;
import trl4j.checkpoint.SafeTensorsFile;
import trl4j.checkpoint.SafeTensorsWriter;

/**
 * A value function V(s) read off a trunk's final hidden states: (B, T, H) → (B, T), one value per
 * position (the state before the token at the next position is chosen).
 *
 * <ul>
 *   <li>{@link Kind#MLP}: trlX's default head on the policy trunk ({@code make_head}: Linear(H, 2H) → ReLU →
 *       Linear(2H, 1)), tensors {@code v_head.0.weight/bias}, {@code v_head.2.weight/bias} as trlX names them;
 *       initialised like torch's {@code nn.Linear} (U(±1/√fan_in) for weights and biases).
 *   <li>{@link Kind#LINEAR}: a bias-free {@code score.weight} (1, H), the scalar head of a reward model: the
 *       critic of Stiennon et al. and TRL starts as the reward model.
 * </ul>
 *
 * Saved as one safetensors file ({@link #FILE}) whose metadata names the kind.
 */
public final class ValueHead implements AutoCloseable {

    /** The head's architecture. */
    public enum Kind { MLP, LINEAR }

    /** File name of a saved head inside a model or checkpoint folder. */
    public static final String FILE = "value_head.safetensors";
    public static final String SCORE = "score.weight";

    private final Kind kind;
    private final Parameters params;

    private ValueHead(Kind kind, Parameters params) {
        this.kind = kind;
        this.params = params;
    }

    /** trlX's MLP head for a trunk of width {@code hidden}, seeded. */
    public static ValueHead mlp(int hidden, NDManager manager, long seed) {
        Random random = new Random(seed);
        Parameters p = new Parameters(manager.newSubManager());
        p.put(WeightSpec.of("v_head.0.weight", 2L * hidden, hidden), uniform(p.manager(), random, hidden, 2L * hidden, hidden));
        p.put(WeightSpec.of("v_head.0.bias", 2L * hidden), uniform(p.manager(), random, hidden, 2L * hidden));
        p.put(WeightSpec.of("v_head.2.weight", 1, 2L * hidden), uniform(p.manager(), random, 2L * hidden, 1, 2L * hidden));
        p.put(WeightSpec.of("v_head.2.bias", 1), uniform(p.manager(), random, 2L * hidden, 1));
        return new ValueHead(Kind.MLP, p);
    }

    /** A linear head starting as a copy of {@code scoreWeight} (1, H), e.g. a reward model's score head. */
    public static ValueHead linear(NDArray scoreWeight, NDManager manager) {
        if (scoreWeight.getShape().dimension() != 2 || scoreWeight.getShape().get(0) != 1) {
            throw new IllegalArgumentException("a linear value head needs a (1, H) score weight, got " + scoreWeight.getShape());
        }
        Parameters p = new Parameters(manager.newSubManager());
        NDArray copy = p.manager().create(scoreWeight.toFloatArray(), scoreWeight.getShape());
        p.put(WeightSpec.of(SCORE, 1, scoreWeight.getShape().get(1)), copy);
        return new ValueHead(Kind.LINEAR, p);
    }

    /** torch nn.Linear's default init: kaiming_uniform(a=√5) for weights, U(±1/√fan_in) for biases: both bound 1/√fan_in. */
    private static NDArray uniform(NDManager manager, Random random, long fanIn, long... shape) {
        double bound = 1 / Math.sqrt(fanIn);
        float[] values = new float[(int) new Shape(shape).size()];
        for (int i = 0; i < values.length; i++) {
            values[i] = (float) ((random.nextDouble() * 2 - 1) * bound);
        }
        return manager.create(values, new Shape(shape));
    }

    public Kind kind() {
        return kind;
    }

    public Parameters parameters() {
        return params;
    }

    /** Width of the hidden states the head reads. */
    public long hiddenSize() {
        return kind == Kind.MLP ? params.get("v_head.0.weight").getShape().get(1) : params.get(SCORE).getShape().get(1);
    }

    /**
     * Values of every position.
     *
     * @param hidden (B, T, H) final hidden states of the trunk (after its final norm)
     * @return (B, T)
     */
    public NDArray values(NDArray hidden) {
        NDArray out;
        if (kind == Kind.MLP) {
            NDArray h = Activations.relu(Linear.linear(hidden, params.get("v_head.0.weight"), params.get("v_head.0.bias"))
                    .singletonOrThrow()); // (B, T, 2H)
            out = Linear.linear(h, params.get("v_head.2.weight"), params.get("v_head.2.bias")).singletonOrThrow(); // (B, T, 1)
        } else {
            out = Linear.linear(hidden, params.get(SCORE)).singletonOrThrow(); // (B, T, 1)
        }
        return out.squeeze(-1);
    }

    /** Writes the head to {@code file} (atomically). */
    public void save(Path file) {
        List<SafeTensorsWriter.Entry> entries = new ArrayList<>();
        params.asMap().forEach((name, array) -> entries.add(SafeTensorsWriter.array(name, array, DType.F32)));
        SafeTensorsWriter.write(file, entries, Map.of("format", "trl4j-value-head", "kind", kind.name().toLowerCase(java.util.Locale.ROOT)));
    }

    /** Reads a head saved by {@link #save}. */
    public static ValueHead load(Path file, NDManager manager) {
        try (SafeTensorsFile f = SafeTensorsFile.open(file)) {
            String k = f.metadata().getOrDefault("kind", "");
            Kind kind = switch (k) {
                case "mlp" -> Kind.MLP;
                case "linear" -> Kind.LINEAR;
                default -> throw new CheckpointException(file + ": not a trl4j value head (metadata kind '" + k + "')");
            };
            List<String> names = kind == Kind.MLP ? List.of("v_head.0.weight", "v_head.0.bias", "v_head.2.weight", "v_head.2.bias")
                    : List.of(SCORE);
            Parameters p = new Parameters(manager.newSubManager());
            for (String n : names) {
                if (!f.names().contains(n)) {
                    p.close();
                    throw new CheckpointException(file + ": no tensor '" + n + "'");
                }
                p.put(WeightSpec.of(n, f.info(n).shape()), f.read(n, p.manager()));
            }
            return new ValueHead(kind, p);
        }
    }

    @Override
    public void close() {
        params.close();
    }
}
