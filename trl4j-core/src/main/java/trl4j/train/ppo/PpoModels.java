package trl4j.train.ppo;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import trl4j.checkpoint.ModelFolder;
import trl4j.checkpoint.TensorSource;
import trl4j.model.LanguageModel;
import trl4j.model.ModelWriter;
import trl4j.model.Parameters;
import trl4j.model.ValueHead;
import trl4j.model.WeightSpec;
import trl4j.model.registry.Models;
import trl4j.tensor.GradMode;

/**
 * The roles of a PPO run (Stiennon et al. 2020; trlX; TRL) and which weights train:
 *
 * <ul>
 *   <li><b>policy</b>: the language model being optimised. With {@code num_layers_unfrozen = k ≥ 0} only
 *       its parameters of depth ≥ N − k train (the top k blocks, the final norm, an untied head;
 *       {@link LanguageModel#depthOf}); embeddings and lower blocks stay frozen, as trlX freezes them.
 *   <li><b>value function</b>: trlX's MLP {@link ValueHead} on the policy's final hidden state, or a
 *       separate <b>critic</b> (its own trunk and head, e.g. initialised from the reward model as in
 *       Stiennon et al. and TRL), trained entirely.
 *   <li><b>reference</b>: the frozen initial policy. Either a full copy, or trlX's hydra branch: a model
 *       whose lower parameters <em>are</em> the policy's frozen ones (shared arrays, no copy) and whose
 *       top k blocks, final norm and untied head are frozen copies; its logits continue the policy's own
 *       forward pass from the input of block N − k ({@code hiddenFrom}/{@code decodeFrom}), so the
 *       shared layers run once for both.
 * </ul>
 *
 * {@link #trainable()} holds every trained array (policy names as they are, {@code v_head.*} of a head on
 * the policy, {@code critic.*} for a separate critic and its head) for one optimizer, as TRL wraps
 * policy and value model in one module.
 */
public final class PpoModels implements AutoCloseable {

    /** Prefix of a separate critic's parameters in {@link #trainable()}. */
    public static final String CRITIC = "critic.";

    private final LanguageModel policy;
    private final ValueHead valueHead;
    private final LanguageModel critic;
    private final LanguageModel reference;
    private final int branchLayer;
    private final int depth;
    private final Parameters trainable;
    private final boolean ownsCritic;

    private PpoModels(LanguageModel policy, ValueHead valueHead, LanguageModel critic, boolean ownsCritic, LanguageModel reference,
            int branchLayer, int depth, Parameters trainable) {
        this.policy = policy;
        this.valueHead = valueHead;
        this.critic = critic;
        this.ownsCritic = ownsCritic;
        this.reference = reference;
        this.branchLayer = branchLayer;
        this.depth = depth;
        this.trainable = trainable;
    }

    /**
     * Sets up the roles around a policy holding its <em>initial</em> weights (the reference copies them).
     *
     * @param numLayersUnfrozen k, or −1 for every layer (trlX's {@code num_layers_unfrozen})
     * @param refModel {@code auto} (hydra when k > 0, as trlX), {@code hydra} or {@code copy}
     * @param critic a separate critic trunk, or null for a value head on the policy
     * @param criticHead the critic's head (when {@code critic} is given), else null
     * @param seed seed of a new value head
     */
    public static PpoModels create(LanguageModel policy, int numLayersUnfrozen, String refModel, LanguageModel critic,
            ValueHead criticHead, long seed) {
        int n = depth(policy);
        if (numLayersUnfrozen > n) {
            throw new IllegalArgumentException("num_layers_unfrozen = " + numLayersUnfrozen + " but the policy has only " + n + " layers");
        }
        boolean hydra = switch (refModel) {
            case "auto" -> numLayersUnfrozen > 0;
            case "hydra" -> true;
            case "copy" -> false;
            default -> throw new IllegalArgumentException("ref_model must be auto, hydra or copy, got " + refModel);
        };
        if (hydra && numLayersUnfrozen <= 0) {
            throw new IllegalArgumentException("ref_model = hydra shares the frozen lower layers: set num_layers_unfrozen to"
                    + " a number of top layers >= 1 (got " + numLayersUnfrozen + ")");
        }
        int k = numLayersUnfrozen;
        Parameters p = policy.parameters();
        p.setTrainable(name -> k < 0 || policy.depthOf(name) >= n - k);
        NDManager manager = p.manager();
        LanguageModel reference;
        try (GradMode noGrad = GradMode.disabled()) {
            Parameters refParams = new Parameters(manager.newSubManager());
            for (String name : p.names()) {
                NDArray array = p.get(name);
                if (hydra && !array.hasGradient()) {
                    refParams.putShared(p.spec(name), array); // frozen in the policy: the same array serves both
                } else {
                    NDArray copy = array.duplicate();
                    copy.setRequiresGradient(false);
                    refParams.put(p.spec(name), copy);
                }
            }
            reference = Models.assemble(policy.config(), refParams);
        }
        ValueHead head = critic != null ? criticHead : ValueHead.mlp(policy.config().hiddenSize(), manager, seed);
        if (critic != null && criticHead == null) {
            throw new IllegalArgumentException("a separate critic needs its value head");
        }
        Parameters view = new Parameters(manager.newSubManager());
        for (String name : p.names()) {
            if (p.get(name).hasGradient()) {
                view.putShared(p.spec(name), p.get(name));
            }
        }
        String headPrefix = critic != null ? CRITIC : "";
        if (critic != null) {
            critic.parameters().setTrainable(name -> true);
            Parameters c = critic.parameters();
            for (String name : c.names()) {
                view.putShared(renamed(c.spec(name), CRITIC + name), c.get(name));
            }
        }
        head.parameters().setTrainable(name -> true);
        for (String name : head.parameters().names()) {
            view.putShared(renamed(head.parameters().spec(name), headPrefix + name), head.parameters().get(name));
        }
        return new PpoModels(policy, head, critic, false, reference, hydra ? n - k : -1, n, view);
    }

    /** A critic trunk and its value head. */
    public record Critic(LanguageModel trunk, ValueHead head) implements AutoCloseable {
        @Override
        public void close() {
            head.close();
            trunk.close();
        }
    }

    /**
     * A separate critic initialised from a folder: a reward model (sequence-classification checkpoint:
     * its trunk, and its score head as a linear value head; Stiennon et al., TRL) or a language model
     * (its trunk and a fresh MLP head).
     */
    public static Critic loadCritic(Path dir, NDManager manager, long seed) {
        if (!Models.check(dir).classifier()) {
            LanguageModel trunk = Models.load(dir, manager);
            Path saved = dir.resolve(ValueHead.FILE);
            return new Critic(trunk, Files.isRegularFile(saved) ? ValueHead.load(saved, manager)
                    : ValueHead.mlp(trunk.config().hiddenSize(), manager, seed));
        }
        try (var classifier = Models.loadClassifier(dir, manager, 1, seed); GradMode noGrad = GradMode.disabled()) {
            Parameters all = classifier.parameters();
            if (classifier.numLabels() != 1) {
                throw new IllegalArgumentException(dir + ": a critic needs one label, the folder has " + classifier.numLabels());
            }
            Parameters trunkParams = new Parameters(manager.newSubManager());
            for (String name : all.names()) {
                if (!name.equals(ValueHead.SCORE)) {
                    trunkParams.put(all.spec(name), all.get(name).duplicate());
                }
            }
            ValueHead head = ValueHead.linear(all.get(ValueHead.SCORE), manager);
            return new Critic(Models.assemble(classifier.trunk().config(), trunkParams), head);
        }
    }

    private static WeightSpec renamed(WeightSpec spec, String name) {
        return new WeightSpec(name, spec.fileShape(), spec.transposed());
    }

    /** N: the number of (decoder) blocks, the depth of the final norm. */
    static int depth(LanguageModel model) {
        int n = -1;
        for (String name : model.parameters().names()) {
            n = Math.max(n, model.depthOf(name));
        }
        if (n < 1) {
            throw new IllegalStateException("the policy reports no layers");
        }
        return n;
    }

    public LanguageModel policy() {
        return policy;
    }

    /** The value head: on the policy trunk, or the critic's. */
    public ValueHead valueHead() {
        return valueHead;
    }

    /** The separate critic trunk, or null when the value head sits on the policy. */
    public LanguageModel critic() {
        return critic;
    }

    /** The frozen reference model (for hydra: a model sharing the policy's frozen arrays). */
    public LanguageModel reference() {
        return reference;
    }

    /** N − k for a hydra reference (the block its branch starts at), −1 for a full copy. */
    public int branchLayer() {
        return branchLayer;
    }

    public boolean hydra() {
        return branchLayer >= 0;
    }

    /** N, the number of blocks of the generating stack. */
    public int depth() {
        return depth;
    }

    /** Every trained array, by a unique name, for the optimizer. */
    public Parameters trainable() {
        return trainable;
    }

    /** Names of the policy's trained parameters. */
    public Set<String> trainedPolicyParameters() {
        Set<String> out = new HashSet<>();
        policy.parameters().asMap().forEach((n, a) -> {
            if (a.hasGradient()) {
                out.add(n);
            }
        });
        return out;
    }

    /**
     * Copies the weights saved in a checkpoint into the policy, value head and critic, in place (the
     * reference keeps the initial weights).
     *
     * @param policyDir a Hugging Face folder of the policy (a checkpoint's model)
     * @param headFile the saved value head of a head on the policy (ignored with a critic)
     * @param criticDir the saved critic folder ({@link #saveCritic}), or null
     */
    public void restore(Path policyDir, Path headFile, Path criticDir) {
        copyInto(policy, policyDir);
        if (critic == null) {
            try (NDManager tmp = policy.parameters().manager().newSubManager(); ValueHead saved = ValueHead.load(headFile, tmp)) {
                copy(saved.parameters(), valueHead.parameters());
            }
            return;
        }
        if (criticDir == null || !Files.isDirectory(criticDir)) {
            throw new IllegalArgumentException(policyDir + ": the checkpoint has no critic folder");
        }
        try (NDManager tmp = critic.parameters().manager().newSubManager(); Critic saved = loadCritic(criticDir, tmp, 0)) {
            copy(saved.trunk().parameters(), critic.parameters());
            copy(saved.head().parameters(), valueHead.parameters());
        }
    }

    /**
     * Saves a separate critic into {@code dir}: with a linear head as the Hugging Face sequence classifier
     * it is ({@code *ForSequenceClassification}, TRL's value model); with an MLP head as the trunk's model
     * folder plus {@link ValueHead#FILE}. {@link #loadCritic} reads both.
     */
    public void saveCritic(Path dir, Path tokenizerDir, Integer padTokenId) {
        if (valueHead.kind() == ValueHead.Kind.LINEAR && critic instanceof trl4j.model.CausalLm) {
            Parameters view = new Parameters(critic.parameters().manager().newSubManager());
            try {
                critic.parameters().asMap().forEach((n, a) -> view.putShared(critic.parameters().spec(n), a));
                NDArray score = valueHead.parameters().get(ValueHead.SCORE);
                view.putShared(WeightSpec.of(ValueHead.SCORE, score.getShape().getShape()), score);
                trl4j.model.CausalLm trunk = (trl4j.model.CausalLm) Models.assemble(critic.config(), view);
                ModelWriter.save(new trl4j.model.SequenceClassifier(trunk, 1, padTokenId), dir, tokenizerDir);
            } finally {
                view.close();
            }
            return;
        }
        ModelWriter.save(critic, dir, tokenizerDir);
        valueHead.save(dir.resolve(ValueHead.FILE));
    }

    private static void copyInto(LanguageModel model, Path dir) {
        try (NDManager tmp = model.parameters().manager().newSubManager(); TensorSource weights = ModelFolder.open(dir).openWeights()) {
            copy(model.weightTable().load(weights, tmp), model.parameters());
        }
    }

    private static void copy(Parameters from, Parameters to) {
        try (GradMode noGrad = GradMode.disabled()) {
            for (String name : to.names()) {
                NDArray target = to.get(name);
                NDArray source = from.get(name);
                if (!target.getShape().equals(source.getShape())) {
                    throw new IllegalArgumentException("saved '" + name + "' has shape " + source.getShape() + ", expected " + target.getShape());
                }
                target.set(new ai.djl.ndarray.index.NDIndex(":"), source); // in place: the reference may share this array
            }
        }
    }

    /** Frees the reference copy, the value head and the views (the policy and a given critic belong to the caller). */
    @Override
    public void close() {
        trainable.close();
        reference.parameters().close();
        if (critic == null) {
            valueHead.close();
        }
        if (ownsCritic) {
            critic.close();
        }
    }
}
