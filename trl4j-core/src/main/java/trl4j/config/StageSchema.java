package trl4j.config;

import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * What a stage adds to the shared settings: its method record (its keys are top level in TRL's
 * flat layout and live under {@code method:} in trlX's), the trlX method names it reads, aliases for
 * trlX's spellings of its keys, and its own defaults for shared settings.
 *
 * <p>Example, the SFT stage:
 *
 * <pre>{@code
 * record SftMethod(boolean completionOnlyLoss, Map<String, Object> genKwargs) {
 *     static final SftMethod DEFAULTS = new SftMethod(true, Map.of("max_new_tokens", 40));
 * }
 * StageSchema<SftMethod> SFT = new StageSchema<>("sft", SftMethod.class, SftMethod.DEFAULTS,
 *         Set.of("sftconfig"), Map.of(), Map.of("learning_rate", 2e-5, "output_dir", "runs/sft"));
 * }</pre>
 *
 * @param stage stage name, used in messages and the resolved config
 * @param methodType the stage's method record (components bound by {@link RecordBinder})
 * @param methodDefaults its default values
 * @param trlxMethodNames values of trlX's {@code method.name} this stage accepts (case-insensitive),
 *     e.g. "ppoconfig"
 * @param methodAliases other spellings of method keys → the record's key (trlX's {@code ppo_epochs}
 *     → TRL's {@code num_ppo_epochs}); accepted in both layouts
 * @param trainingDefaults the stage's defaults for shared keys, by canonical name (e.g.
 *     {@code learning_rate: 2e-5}); they replace the record defaults but yield to the file
 */
public record StageSchema<M extends Record>(String stage, Class<M> methodType, M methodDefaults,
        Set<String> trlxMethodNames, Map<String, String> methodAliases, Map<String, Object> trainingDefaults) {

    /** Section names of trlX's TRLConfig; no key may be named like one. */
    static final List<String> TRLX_SECTIONS = List.of("train", "model", "tokenizer", "optimizer", "scheduler", "method");

    public StageSchema {
        if (stage == null || methodType == null || methodDefaults == null) {
            throw new IllegalArgumentException("StageSchema: stage, methodType and methodDefaults are required");
        }
        trlxMethodNames = Set.copyOf(trlxMethodNames.stream().map(n -> n.toLowerCase(Locale.ROOT)).toList());
        methodAliases = Map.copyOf(methodAliases);
        trainingDefaults = Map.copyOf(trainingDefaults);
        List<String> methodKeys = RecordBinder.keys(methodType);
        Set<String> common = new HashSet<>(KeyCatalog.commonKeys());
        for (String key : methodKeys) {
            if (common.contains(key) || TRLX_SECTIONS.contains(key)) {
                throw new IllegalStateException(stage + " method key '" + key + "' clashes with a shared key");
            }
        }
        methodAliases.forEach((alias, target) -> {
            if (!methodKeys.contains(target) || common.contains(alias) || methodKeys.contains(alias)) {
                throw new IllegalStateException(stage + " method alias '" + alias + "' → '" + target + "' is invalid");
            }
        });
        for (String key : trainingDefaults.keySet()) {
            if (!common.contains(key.split("\\.")[0])) {
                throw new IllegalStateException(stage + " default for unknown shared key '" + key + "'");
            }
        }
    }

    /** A schema with no trlX method names, aliases or stage defaults. */
    public static <M extends Record> StageSchema<M> of(String stage, Class<M> methodType, M methodDefaults) {
        return new StageSchema<>(stage, methodType, methodDefaults, Set.of(), Map.of(), Map.of());
    }
}
