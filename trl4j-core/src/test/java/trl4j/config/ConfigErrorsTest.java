package trl4j.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static trl4j.config.ConfigTestSupport.fails;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Every config mistake is an error that names the key, where it was written, and a likely fix. */
class ConfigErrorsTest {

    static final ConfigLoader<DemoMethods.PpoMethod> PPO = ConfigLoaderTest.PPO;
    static final ConfigLoader<DemoMethods.SftMethod> SFT = ConfigLoaderTest.SFT;

    private static String error(String yaml, String... overrides) {
        return fails(() -> PPO.parse(yaml, "ppo.yaml", List.of(overrides))).getMessage();
    }

    @Test
    void unknownKeysNameTheFullPathAndTheNearestKnownKey() {
        assertEquals("ppo.yaml: unknown key 'train.batch_sise' for the ppo stage (did you mean 'train.batch_size'?)",
                error("train:\n  batch_sise: 4\n"));
        assertEquals("ppo.yaml: unknown key 'learning_rat' for the ppo stage (did you mean 'learning_rate'?)",
                error("learning_rat: 1e-4\n"));
        assertEquals("ppo.yaml: unknown key 'optimizer.kwargs.beta' for the ppo stage (did you mean 'optimizer.kwargs.betas'?)",
                error("optimizer:\n  kwargs:\n    beta: [0.9, 0.95]\n"));
        assertEquals("ppo.yaml: unknown key 'method.ppo_epoch' for the ppo stage (did you mean 'method.ppo_epochs'?)",
                error("method:\n  name: ppoconfig\n  ppo_epoch: 2\n"));
        assertEquals("command line: unknown key '--train.seq_lenght' for the ppo stage (did you mean '--train.seq_length'?)",
                error("", "--train.seq_lenght=5"));
        assertEquals("ppo.yaml: unknown key 'zzz' for the ppo stage", error("zzz: 1\n"));
        assertEquals("command line: unknown key '--ppo.kl_coeff' for the ppo stage (did you mean '--ppo.kl_coef'?)",
                error("", "--ppo.kl_coeff=1"));
    }

    @Test
    void unknownKeysInsideANestedRecord() {
        assertEquals("ppo.yaml: method.gen_kwargs.max_new_token is not a known key (did you mean 'max_new_tokens'?)",
                error("method:\n  name: ppoconfig\n  gen_kwargs:\n    max_new_token: 4\n"));
        assertEquals("ppo.yaml: scheduler.kwargs.T_maxx (lr_scheduler_kwargs.T_maxx) is not a known key (did you mean 'T_max'?)",
                error("scheduler:\n  name: cosine_annealing\n  kwargs:\n    T_maxx: 4\n"));
    }

    @Test
    void wrongTypesNameTheKeyAndValue() {
        assertEquals("ppo.yaml: optimizer.kwargs.lr (learning_rate) = \"fast\": expected a number",
                error("optimizer:\n  kwargs:\n    lr: fast\n"));
        assertEquals("ppo.yaml: per_device_train_batch_size = 2.5: expected an integer", error("per_device_train_batch_size: 2.5\n"));
        assertEquals("command line: --train.batch_size (per_device_train_batch_size) = \"many\": expected an integer",
                error("", "--train.batch_size=many"));
        assertEquals("ppo.yaml: gen_kwargs.do_sample = \"sometimes\": expected true or false",
                error("gen_kwargs:\n  do_sample: sometimes\n"));
        assertEquals("ppo.yaml: lr_scheduler_type = \"cosin\": expected one of constant, constant_with_warmup, linear, "
                + "cosine, cosine_annealing, linear_lr (did you mean 'cosine'?)", error("lr_scheduler_type: cosin\n"));
        assertEquals("ppo.yaml: max_length = [1,2]: expected an integer", error("max_length: [1, 2]\n"));
    }

    @Test
    void outOfRangeValuesNameTheKeyAndRule() {
        assertEquals("ppo.yaml: train.batch_size (per_device_train_batch_size) = 0: must be >= 1",
                error("train:\n  batch_size: 0\n"));
        assertEquals("ppo.yaml: optimizer.kwargs.betas[1] (adam_beta2) = 1.0: must be in [0, 1)",
                error("optimizer:\n  kwargs:\n    betas: [0.9, 1.0]\n"));
        assertEquals("command line: --learning_rate = -1.0: must be > 0", error("", "--learning_rate=-1"));
        assertEquals("ppo.yaml: method.ppo_epochs (num_ppo_epochs) = 0: must be >= 1", error("method:\n  name: ppoconfig\n  ppo_epochs: 0\n"));
        assertEquals("ppo.yaml: warmup_steps = 10: has no effect with cosine_annealing (use cosine or linear for warmup)",
                error("lr_scheduler_type: cosine_annealing\nwarmup_steps: 10\n"));
        assertEquals("ppo.yaml: gen_kwargs.max_new_tokens = 0: must be >= 1", error("gen_kwargs: {max_new_tokens: 0}\n"));
        assertEquals("ppo.yaml: optimizer.name (optim) = \"sgd\": trl4j implements AdamW only (use 'adamw')",
                error("optimizer:\n  name: sgd\n"));
    }

    @Test
    void unsupportedSettingsAndContradictionsAreRefused() {
        assertEquals("ppo.yaml: bf16 = true: must be false (trl4j trains in float32)", error("bf16: true\n"));
        assertEquals("ppo.yaml: model.peft_config = {\"r\":8}: not supported (PEFT/LoRA is not implemented)",
                error("model:\n  peft_config: {r: 8}\n"));
        assertEquals("ppo.yaml: method.name = \"ilqlconfig\": the ppo stage reads method ppoconfig",
                error("method:\n  name: ilqlconfig\n"));
        assertEquals("ppo.yaml: learning_rate and optimizer.kwargs.lr both set learning_rate; keep one",
                error("learning_rate: 1e-4\noptimizer:\n  kwargs:\n    lr: 1e-5\n"));
        assertEquals("ppo.yaml: not valid YAML at line 2 (mapping values are not allowed here)",
                error("a: b\nc: d: e\n"));
        assertEquals("command line: '--seed' needs a value (write --seed=VALUE)", error("", "--seed"));
    }

    @Test
    void nearMissUsesEditDistance() {
        assertEquals(1, NearMiss.distance("batch_sise", "batch_size"));
        assertEquals(3, NearMiss.distance("kitten", "sitting"));
        assertEquals(0, NearMiss.distance("", ""));
        assertEquals("learning_rate", NearMiss.nearest("learnin_rate", List.of("seed", "learning_rate")).orElseThrow());
        assertEquals(java.util.Optional.empty(), NearMiss.nearest("xyz", List.of("learning_rate")));
    }
}
