package trl4j.train.ppo;

import java.util.List;

/**
 * What the policy generated for a batch of prompts, truncated after its first EOS, stop token or stop
 * sequence (Java arrays, row by row in prompt order).
 *
 * @param prompts the prompt texts, as the reward function sees them
 * @param references each prompt's reference summary (for Stiennon's baseline and ROUGE), or null entries
 * @param queries prompt token ids as the policy read them (after truncation to the prompt budget)
 * @param responses response token ids, EOS / stop token included
 * @param texts decoded responses without EOS, cut before a stop sequence (what is scored)
 * @param ended whether each response ended by EOS, stop token or stop sequence (not by the length limit)
 * @param generationLogprobs log π(token) recorded while sampling (softmax(logits / T)), per response token
 */
public record Samples(List<String> prompts, List<String> references, List<long[]> queries, List<long[]> responses,
        List<String> texts, boolean[] ended, List<float[]> generationLogprobs) {

    public int size() {
        return prompts.size();
    }

    /** Longest response, in tokens. */
    public int maxResponseLength() {
        return responses.stream().mapToInt(r -> r.length).max().orElse(0);
    }
}
