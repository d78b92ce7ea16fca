package trl4j.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import trl4j.checkpoint.AtomicFiles;
import trl4j.checkpoint.CheckpointException;
import trl4j.checkpoint.DType;
import trl4j.checkpoint.SafeTensorsFile;
import trl4j.checkpoint.SafeTensorsWriter;
import trl4j.config.OptimizerSettings;
import trl4j.model.Parameters;
import trl4j.tensor.GradMode;

/**
 * AdamW (Loshchilov &amp; Hutter 2019) computed as {@code torch.optim.AdamW} does (single-tensor path,
 * no amsgrad), per parameter with its own step count t:
 *
 * <pre>
 * p ← p · (1 − lr·wd)                      decoupled weight decay
 * m ← m + (1 − β1)·(g − m)                  torch's lerp form of β1·m + (1 − β1)·g
 * v ← β2·v + (1 − β2)·g²
 * p ← p − (lr / (1 − β1^t)) · m / (√v / √(1 − β2^t) + ε)
 * </pre>
 *
 * A parameter that no backward pass has reached is skipped, as torch skips a {@code None} gradient.
 * (After {@link Parameters#zeroGradients()} a gradient is zero, not None: a parameter unused in one
 * step then still decays, as in torch with {@code zero_grad(set_to_none=False)}.)
 *
 * <p>Parameters are split into groups the way Hugging Face's Trainer does it: biases and norm weights
 * (1-D tensors, and any name containing "bias") get no weight decay. Updates happen in place on the
 * {@link Parameters} arrays, with autograd off. Moments live in a manager of their own and are saved
 * as safetensors next to a JSON file (step counts, groups, hyperparameters); {@link #restore} gives an
 * optimizer that continues bit for bit.
 */
public final class AdamW implements AutoCloseable {

    /** File names inside a checkpoint folder. */
    public static final String STATE_FILE = "optimizer.safetensors";
    public static final String META_FILE = "optimizer.json";

    private static final ObjectMapper JSON = new ObjectMapper();

    /** A group of parameters sharing a weight decay (torch's param_groups). */
    public record Group(String name, List<String> parameters, double weightDecay) {
        public Group {
            parameters = List.copyOf(parameters);
            if (!(weightDecay >= 0)) {
                throw new IllegalArgumentException("AdamW group '" + name + "': weight_decay must be >= 0, got " + weightDecay);
            }
        }
    }

    private final Parameters params;
    private final NDManager stateManager;
    private final List<Group> groups;
    private final double beta1;
    private final double beta2;
    private final double eps;
    private final Map<String, NDArray> expAvg = new LinkedHashMap<>();
    private final Map<String, NDArray> expAvgSq = new LinkedHashMap<>();
    private final Map<String, Long> steps = new LinkedHashMap<>();

    /**
     * An optimizer over the given groups with zero moments.
     *
     * @param beta1 decay of the first moment (torch betas[0])
     * @param beta2 decay of the second moment (torch betas[1])
     * @param eps added to the bias-corrected √v
     */
    public AdamW(Parameters params, List<Group> groups, double beta1, double beta2, double eps) {
        if (!(beta1 >= 0 && beta1 < 1) || !(beta2 >= 0 && beta2 < 1) || !(eps >= 0)) {
            throw new IllegalArgumentException("AdamW: betas must be in [0, 1) and eps >= 0, got (" + beta1 + ", " + beta2 + "), " + eps);
        }
        this.params = params;
        this.groups = List.copyOf(groups);
        this.beta1 = beta1;
        this.beta2 = beta2;
        this.eps = eps;
        this.stateManager = params.manager().newSubManager();
        for (Group g : this.groups) {
            for (String name : g.parameters()) {
                NDArray p = params.get(name);
                if (steps.containsKey(name)) {
                    throw new IllegalArgumentException("AdamW: parameter '" + name + "' is in two groups");
                }
                expAvg.put(name, persistent(stateManager.zeros(p.getShape(), p.getDataType())));
                expAvgSq.put(name, persistent(stateManager.zeros(p.getShape(), p.getDataType())));
                steps.put(name, 0L);
            }
        }
    }

    /**
     * AdamW over every parameter that currently requires a gradient, in two groups: "decay" (weight
     * matrices and embeddings) with the configured weight decay and "no_decay" (biases, norm weights).
     */
    public static AdamW create(Parameters params, OptimizerSettings settings) {
        List<String> decay = new ArrayList<>();
        List<String> noDecay = new ArrayList<>();
        for (Map.Entry<String, NDArray> e : params.asMap().entrySet()) {
            if (e.getValue().hasGradient()) {
                (decays(e.getKey(), e.getValue()) ? decay : noDecay).add(e.getKey());
            }
        }
        if (decay.isEmpty() && noDecay.isEmpty()) {
            throw new IllegalArgumentException("AdamW: no parameter requires a gradient (call Parameters.setTrainable first)");
        }
        return new AdamW(params, List.of(new Group("decay", decay, settings.weightDecay()), new Group("no_decay", noDecay, 0.0)),
                settings.adamBeta1(), settings.adamBeta2(), settings.adamEpsilon());
    }

    /**
     * Whether a parameter gets weight decay: Hugging Face's Trainer decays everything except
     * LayerNorm/RMSNorm weights and parameters named "bias" (including T5's relative_attention_bias);
     * norm weights are the 1-D tensors, so the rule here is: 2-D or more and no "bias" in the name.
     */
    public static boolean decays(String name, NDArray array) {
        return array.getShape().dimension() >= 2 && !name.contains("bias");
    }

    /** Applies one update with learning rate {@code lr} from the gradients held by the parameters. */
    public void step(double lr) {
        if (!(lr >= 0) || Double.isInfinite(lr)) {
            throw new IllegalArgumentException("AdamW: learning rate must be finite and >= 0, got " + lr);
        }
        try (GradMode noGrad = GradMode.disabled(); NDScope scope = new NDScope()) {
            for (Group group : groups) {
                for (String name : group.parameters()) {
                    update(name, params.get(name), lr, group.weightDecay());
                }
            }
        }
    }

    private void update(String name, NDArray p, double lr, double weightDecay) {
        // A new handle, closed by the enclosing scope; null when no backward pass has reached the
        // parameter, which torch (grad None) skips entirely: no decay, no moment update, no step.
        NDArray grad = JniUtils.getGradient((PtNDArray) p);
        if (grad == null) {
            return;
        }
        long t = steps.get(name) + 1;
        steps.put(name, t);
        if (weightDecay != 0) {
            p.muli(1 - lr * weightDecay);
        }
        NDArray m = expAvg.get(name);
        NDArray v = expAvgSq.get(name);
        m.addi(grad.sub(m).muli(1 - beta1));
        v.muli(beta2).addi(grad.mul(grad).muli(1 - beta2));
        double biasCorrection1 = 1 - Math.pow(beta1, t);
        double biasCorrection2Sqrt = Math.sqrt(1 - Math.pow(beta2, t));
        NDArray denom = v.sqrt().divi(biasCorrection2Sqrt).addi(eps);
        p.subi(m.div(denom).muli(lr / biasCorrection1));
    }

    /** Steps taken so far by the first parameter (all move together once every parameter gets gradients). */
    public long stepCount() {
        return steps.values().stream().findFirst().orElse(0L);
    }

    public List<Group> groups() {
        return groups;
    }

    /** The first moment of a parameter (for tests and inspection). */
    public NDArray expAvg(String name) {
        return expAvg.get(name);
    }

    /** The second moment of a parameter. */
    public NDArray expAvgSq(String name) {
        return expAvgSq.get(name);
    }

    /** Writes {@link #STATE_FILE} and {@link #META_FILE} into {@code dir} (each file atomically). */
    public void save(Path dir) {
        List<SafeTensorsWriter.Entry> entries = new ArrayList<>();
        for (String name : steps.keySet()) {
            entries.add(SafeTensorsWriter.array(name + ".exp_avg", expAvg.get(name), DType.F32));
            entries.add(SafeTensorsWriter.array(name + ".exp_avg_sq", expAvgSq.get(name), DType.F32));
        }
        SafeTensorsWriter.write(dir.resolve(STATE_FILE), entries, Map.of("format", "trl4j-adamw"));
        ObjectNode meta = JSON.createObjectNode();
        meta.put("type", "adamw");
        meta.put("beta1", beta1);
        meta.put("beta2", beta2);
        meta.put("eps", eps);
        ArrayNode groupsJson = meta.putArray("groups");
        for (Group g : groups) {
            ObjectNode gj = groupsJson.addObject();
            gj.put("name", g.name());
            gj.put("weight_decay", g.weightDecay());
            g.parameters().forEach(gj.putArray("params")::add);
        }
        ObjectNode stepsJson = meta.putObject("steps");
        steps.forEach(stepsJson::put);
        try {
            AtomicFiles.writeString(dir.resolve(META_FILE), JSON.writerWithDefaultPrettyPrinter().writeValueAsString(meta) + "\n");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The optimizer saved in {@code dir}, over {@code params}. As with torch's
     * {@code load_state_dict}, the saved groups, betas, eps, weight decay and step counts win over
     * the current config, so a resumed run continues exactly. Fails naming any parameter that is
     * missing or has another shape.
     */
    public static AdamW restore(Parameters params, Path dir) {
        Path metaFile = dir.resolve(META_FILE);
        JsonNode meta;
        try {
            meta = JSON.readTree(Files.readString(metaFile));
        } catch (IOException e) {
            throw new CheckpointException(metaFile + ": cannot read optimizer state (" + e.getMessage() + ")", e);
        }
        List<Group> groups = new ArrayList<>();
        for (JsonNode g : meta.path("groups")) {
            List<String> names = new ArrayList<>();
            g.path("params").forEach(n -> names.add(n.asText()));
            groups.add(new Group(g.path("name").asText(), names, g.path("weight_decay").asDouble()));
        }
        AdamW optimizer = new AdamW(params, groups, meta.path("beta1").asDouble(), meta.path("beta2").asDouble(),
                meta.path("eps").asDouble());
        try (SafeTensorsFile file = SafeTensorsFile.open(dir.resolve(STATE_FILE))) {
            for (String name : optimizer.steps.keySet()) {
                optimizer.replace(optimizer.expAvg, name, file, name + ".exp_avg");
                optimizer.replace(optimizer.expAvgSq, name, file, name + ".exp_avg_sq");
                JsonNode step = meta.path("steps").get(name);
                if (step == null) {
                    throw new CheckpointException(metaFile + ": no step count for parameter '" + name + "'");
                }
                optimizer.steps.put(name, step.asLong());
            }
        } catch (RuntimeException e) {
            optimizer.close();
            throw e;
        }
        return optimizer;
    }

    private void replace(Map<String, NDArray> moments, String name, SafeTensorsFile file, String tensor) {
        if (!file.names().contains(tensor)) {
            throw new CheckpointException(file.path() + ": no optimizer state '" + tensor + "'");
        }
        long[] want = params.get(name).getShape().getShape();
        if (!Arrays.equals(want, file.info(tensor).shape())) {
            throw new CheckpointException(file.path() + ": optimizer state '" + tensor + "' has shape "
                    + Arrays.toString(file.info(tensor).shape()) + " but the parameter has " + Arrays.toString(want));
        }
        moments.put(name, persistent(file.read(tensor, stateManager))).close();
    }

    /** State outlives any step scope the caller has open. */
    private static NDArray persistent(NDArray array) {
        NDScope.unregister(array);
        return array;
    }

    /** Frees the moments. */
    @Override
    public void close() {
        stateManager.close();
    }
}
