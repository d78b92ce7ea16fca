package trl4j.model;

import java.util.List;

/**
 * A scalar reward for each (prompt, response) pair: what PPO optimises. The trained reward model
 * implements it; so can any Java function (a toy reward in a test, a rule-based judge, a remote
 * scorer), as trlX's {@code reward_fn} and TRL's reward functions allow.
 */
@FunctionalInterface
public interface RewardFunction {

    /**
     * Scores a batch.
     *
     * @param prompts the prompts, as the policy saw them
     * @param responses the generated responses (decoded text, truncated at EOS / stop sequence)
     * @return one score per pair, in order
     */
    double[] score(List<String> prompts, List<String> responses);
}
