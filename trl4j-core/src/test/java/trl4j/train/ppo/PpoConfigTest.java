package trl4j.train.ppo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import trl4j.config.ConfigException;
import trl4j.config.ModelSettings;
import trl4j.config.ScheduleSettings;

/** trlX PPO files load unchanged (and mean what they meant in trlX); TRL's PPOConfig names are accepted. */
class PpoConfigTest {

    /** Modelled on trlX's examples/summarize_rlhf/configs/ppo_config_summ_gptj.yml, with its Python-isms. */
    static final String TRLX = """
            train:
              seq_length: 550
              epochs: 50
              total_steps: 100000
              batch_size: 4

              checkpoint_interval: 1000
              eval_interval: 200

              pipeline: "PromptPipeline"
              trainer: "AcceleratePPOTrainer"

            model:
              model_path: "runs/sft-debian/final"
              num_layers_unfrozen: 8

            tokenizer:
              tokenizer_path: "runs/sft-debian/final"
              truncation_side: "left"

            optimizer:
              name: "adamw"
              kwargs:
                lr: 5.0e-6
                betas: [0.9, 0.999]
                eps: 1.0e-8
                weight_decay: 0.01

            scheduler:
              name: "cosine_annealing"
              kwargs:
                T_max: 100000
                eta_min: 5.0e-6

            method:
              name: "ppoconfig"
              num_rollouts: 128
              chunk_size: 16
              ppo_epochs: 4
              init_kl_coef: 0.1
              target: 6
              horizon: 10000
              gamma: 1
              lam: 0.95
              cliprange: 0.2
              cliprange_value: 0.2
              vf_coef: 0.2
              scale_reward: False
              ref_mean: None
              ref_std: None
              cliprange_reward: 10
              gen_kwargs:
                max_new_tokens: 50
                top_k: 0.0
                do_sample: True
            """;

    @Test
    void aTrlxFileLoadsUnchangedAndKeepsItsMeaning() {
        PpoConfig c = PpoConfig.parse(TRLX, "ppo_config_summ_gptj.yml", List.of());
        assertTrue(c.trlxLayout());
        PpoMethod m = c.method();
        assertEquals(4, m.numPpoEpochs());
        assertEquals(0.1, m.klCoef());
        assertEquals(6.0, m.target());
        assertEquals(10000, m.horizon());
        assertEquals(10.0, m.cliprangeReward());
        assertEquals("none", m.scaleReward());
        assertNull(m.refMean());
        assertEquals(0.2, m.vfCoef());
        assertEquals(50, m.genKwargs().maxNewTokens());
        assertEquals(0, m.genKwargs().topK());
        assertEquals(16, m.localRolloutForwardBatchSize());
        assertEquals("runs/sft-debian/final", c.training().model().modelNameOrPath());
        assertEquals(8, c.training().model().numLayersUnfrozen());
        assertEquals(5e-6, c.training().optimizer().learningRate());
        assertEquals(ScheduleSettings.Type.COSINE_ANNEALING, c.training().schedule().lrSchedulerType());
        assertTrue(c.notes().stream().anyMatch(n -> n.contains("train.trainer is ignored")), c.notes().toString());
        // trlX: a minibatch is train.batch_size rows; an iteration is num_rollouts; epochs count iterations and
        // total_steps, eval_interval, checkpoint_interval count optimizer steps (4 epochs x 32 minibatches = 128 per iteration).
        PpoPlan plan = c.plan(1000);
        assertEquals(128, plan.rollouts());
        assertEquals(4, plan.miniBatchSize());
        assertEquals(32, plan.miniBatches());
        assertEquals(128, plan.optimizerStepsPerIteration());
        assertEquals(50, plan.iterations()); // min(epochs 50, ⌈100000 / 128⌉ = 782)
        assertEquals(2, plan.evalInterval()); // ⌈200 / 128⌉
        assertEquals(8, plan.saveInterval()); // ⌈1000 / 128⌉
        assertEquals(16, plan.forwardBatchSize());
        // The resolved config reads back to the same config.
        PpoConfig again = PpoConfig.parse(c.toYaml(), "resolved", List.of());
        assertEquals(c.stage(), again.stage());
    }

    @Test
    void trlKeysAreAccepted() {
        String trl = """
                model_name_or_path: runs/sft
                reward_model_path: runs/rm
                learning_rate: 3.0e-6
                per_device_train_batch_size: 4
                gradient_accumulation_steps: 2
                num_mini_batches: 2
                num_ppo_epochs: 2
                kl_coef: 0.05
                kl_estimator: k3
                whiten_rewards: true
                missing_eos_penalty: 1.0
                response_length: 24
                temperature: 0.7
                stop_token: eos
                stop_token_id: 7
                local_rollout_forward_batch_size: 8
                total_episodes: 1000
                cliprange: 0.2
                vf_coef: 0.1
                gamma: 1.0
                lam: 0.95
                """;
        PpoConfig c = PpoConfig.parse(trl, "ppo.yaml", List.of("--ppo.kl_coef=0.2"));
        PpoMethod m = c.method();
        assertEquals(0.2, m.klCoef());
        assertEquals(Kl.Estimator.K3, m.klEstimator());
        assertTrue(m.whitenRewards());
        assertEquals(1.0, m.missingEosPenalty());
        assertEquals(24, m.responseLength());
        assertEquals(7, m.stopTokenId());
        assertEquals("runs/rm", m.rewardModelPath());
        PpoPlan plan = c.plan(500);
        assertEquals(8, plan.miniBatchSize());
        assertEquals(16, plan.rollouts()); // minibatch 4 x 2 accumulation, 2 minibatches (TRL's batch_size)
        assertEquals(2, plan.accumulation());
        assertEquals(63, plan.iterations()); // ⌈1000 / 16⌉
        Sampler.Settings s = Sampler.Settings.of(m.genKwargs(), m.responseLength(), m.temperature());
        assertEquals(24, s.maxNewTokens());
        assertEquals(0.7, s.temperature());
        assertEquals(50, s.topK(), "Hugging Face's default top_k when unset");
        // Without total_episodes, epochs over the prompts (TRL), or max_steps iterations.
        assertEquals(32, PpoConfig.parse(trl.replace("total_episodes: 1000", "num_train_epochs: 1"), "x", List.of()).plan(500).iterations());
        assertEquals(5, PpoConfig.parse(trl.replace("total_episodes: 1000", "max_steps: 5"), "x", List.of()).plan(500).iterations());
        assertEquals(ModelSettings.DEFAULTS.numLayersUnfrozen(), c.training().model().numLayersUnfrozen());
    }

    @Test
    void theShippedConfigsLoad() {
        java.nio.file.Path configs = java.nio.file.Path.of("..", "configs");
        PpoConfig debian = PpoConfig.load(configs.resolve("ppo-debian.yaml"), List.of());
        assertEquals("runs/sft-debian/final", debian.method().sftModelPath());
        assertEquals("runs/rm-debian/final", debian.method().rewardModelPath());
        PpoPlan plan = debian.plan(40093);
        assertEquals(64, plan.rollouts());
        assertEquals(4, plan.miniBatches());
        assertEquals(80, plan.iterations());
        PpoConfig t5 = PpoConfig.load(configs.resolve("ppo-t5-small-tldr.yaml"), List.of());
        assertTrue(t5.trlxLayout());
        assertEquals(ModelSettings.ArchType.SEQ2SEQ, t5.training().model().modelArchType());
        assertEquals(2, t5.training().model().numLayersUnfrozen());
        PpoPlan t5Plan = t5.plan(100000);
        assertEquals(32, t5Plan.optimizerStepsPerIteration()); // 4 epochs x 128 / 16
        assertEquals(100, t5Plan.iterations()); // min(epochs 100, 6000 / 32 = 188)
        assertEquals(8, t5Plan.evalInterval());
    }

    @Test
    void mistakesNameTheKey() {
        ConfigException e = assertThrows(ConfigException.class, () -> PpoConfig.parse("kl_coeff: 0.1\n", "ppo.yaml", List.of()));
        assertTrue(e.getMessage().contains("kl_coeff") && e.getMessage().contains("did you mean 'kl_coef'"), e.getMessage());
        e = assertThrows(ConfigException.class, () -> PpoConfig.parse("method:\n  name: ppoconfig\n  init_kl_coef: -1\n", "t.yml", List.of()));
        assertTrue(e.getMessage().contains("init_kl_coef") && e.getMessage().contains(">= 0"), e.getMessage());
        e = assertThrows(ConfigException.class, () -> PpoConfig.parse("scale_reward: sometimes\n", "ppo.yaml", List.of()));
        assertTrue(e.getMessage().contains("scale_reward"), e.getMessage());
        e = assertThrows(ConfigException.class, () -> PpoConfig.parse("method:\n  name: ilqlconfig\n", "t.yml", List.of()));
        assertTrue(e.getMessage().contains("ppoconfig"), e.getMessage());
        e = assertThrows(ConfigException.class, () -> PpoConfig.parse("gen_kwargs:\n  num_beams: 4\n", "ppo.yaml", List.of()));
        assertTrue(e.getMessage().contains("num_beams"), e.getMessage());
        e = assertThrows(ConfigException.class, () -> PpoConfig.parse("num_rollouts: 10\nper_device_train_batch_size: 4\n", "p", List.of())
                .plan(100));
        assertTrue(e.getMessage().contains("num_rollouts = 10"), e.getMessage());
        IllegalArgumentException contradiction = assertThrows(IllegalArgumentException.class, () -> Sampler.Settings.of(
                new GenKwargs(20, null, null, null, null, null, null, null, null), 24, null));
        assertTrue(contradiction.getMessage().contains("response_length"), contradiction.getMessage());
    }
}
