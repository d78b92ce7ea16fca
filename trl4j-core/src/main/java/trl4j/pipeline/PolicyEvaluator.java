package trl4j.pipeline;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import trl4j.data.PromptReferences;
import trl4j.eval.rouge.RougeMean;
import trl4j.eval.rouge.RougeScorer;
import trl4j.eval.rouge.RougeType;
import trl4j.generate.GenerationConfig;
import trl4j.generate.GenerationOutput;
import trl4j.generate.Generator;
import trl4j.generate.SequenceScorer;
import trl4j.model.LanguageModel;
import trl4j.model.RewardFunction;
import trl4j.model.Seq2SeqLm;
import trl4j.tokenizer.Tokenizer;

/**
 * Evaluates summarisers on a fixed set of test prompts the same way: greedy summaries scored by
 * ROUGE against the references, by the reward model (the proxy) and by the gold judge (the true
 * objective), their length and how often they end with EOS, and — for trained policies — the KL
 * divergence to the SFT policy, estimated on samples from the policy (Monte-Carlo k1 estimate of
 * E_y~π[log π(y) − log π_SFT(y)], summed over tokens).
 */
public final class PolicyEvaluator {

    /** What one summariser produced and how it scored. */
    public record Scores(String name, double rouge1, double rouge2, double rougeL, double rewardModel, double gold,
            Double klToSft, double meanWords, Double eosRate, List<String> summaries, double[] rewardPerPrompt,
            double[] goldPerPrompt) {}

    private final List<PromptReferences> prompts;
    private final RewardFunction reward;
    private final GoldJudge judge = new GoldJudge();
    private final RougeScorer rouge = new RougeScorer(true);
    private final int maxNewTokens;
    private final int batchSize;

    public PolicyEvaluator(List<PromptReferences> prompts, RewardFunction reward, int maxNewTokens, int batchSize) {
        this.prompts = List.copyOf(prompts);
        this.reward = reward;
        this.maxNewTokens = maxNewTokens;
        this.batchSize = batchSize;
    }

    public List<PromptReferences> prompts() {
        return prompts;
    }

    /** Scores fixed summaries (a baseline such as lead-10). */
    public Scores scoreTexts(String name, List<String> summaries) {
        return score(name, summaries, null, null);
    }

    /**
     * Greedy summaries of a policy, scored; with a reference policy, also the sampled KL to it.
     *
     * @param reference the SFT policy (null for the SFT row itself)
     */
    public Scores evaluate(String name, LanguageModel policy, LanguageModel reference, Tokenizer tokenizer, long seed) {
        GenerationConfig greedy = GenerationConfig.greedy(policy.config(), maxNewTokens);
        List<String> summaries = new ArrayList<>();
        int finished = 0;
        for (int start = 0; start < prompts.size(); start += batchSize) {
            List<long[]> batch = encode(tokenizer, policy, prompts.subList(start, Math.min(prompts.size(), start + batchSize)));
            GenerationOutput out = Generator.generate(policy, batch, greedy);
            for (int i = 0; i < batch.size(); i++) {
                summaries.add(decode(tokenizer, out, i));
                finished += out.finished()[i] ? 1 : 0;
            }
        }
        Double kl = reference == null ? null : sampledKl(policy, reference, tokenizer, seed);
        return score(name, summaries, (double) finished / prompts.size(), kl);
    }

    /** Mean over prompts of Σ_t log π(y_t) − log π_ref(y_t) for y sampled from π (temperature 1, no truncation). */
    double sampledKl(LanguageModel policy, LanguageModel reference, Tokenizer tokenizer, long seed) {
        GenerationConfig sample = GenerationConfig.greedy(policy.config(), maxNewTokens).withSampling(true, 1.0, 0, 1.0).withSeed(seed);
        double total = 0;
        for (int start = 0; start < prompts.size(); start += batchSize) {
            List<long[]> batch = encode(tokenizer, policy, prompts.subList(start, Math.min(prompts.size(), start + batchSize)));
            GenerationOutput out = Generator.generate(policy, batch, sample);
            List<long[]> responses = new ArrayList<>();
            for (int i = 0; i < batch.size(); i++) {
                responses.add(out.response(i));
            }
            float[][] refLogprobs = SequenceScorer.logprobs(reference, batch, responses, 1.0, batchSize, sample.padTokenId());
            for (int i = 0; i < batch.size(); i++) {
                for (int t = 0; t < responses.get(i).length; t++) {
                    total += out.logprobs()[i][t] - refLogprobs[i][t];
                }
            }
        }
        return total / prompts.size();
    }

    private Scores score(String name, List<String> summaries, Double eosRate, Double kl) {
        RougeMean mean = new RougeMean();
        double[] rm = reward.score(prompts.stream().map(PromptReferences::prompt).toList(),
                summaries.stream().map(s -> " " + s.strip()).toList());
        double[] gold = new double[summaries.size()];
        long words = 0;
        for (int i = 0; i < summaries.size(); i++) {
            List<String> refs = prompts.get(i).references();
            mean.add(rouge.scoreMulti(refs, summaries.get(i)));
            gold[i] = judge.score(summaries.get(i), refs);
            words += GoldJudge.words(summaries.get(i));
        }
        var r = mean.mean();
        return new Scores(name, r.get(RougeType.ROUGE1).fmeasure(), r.get(RougeType.ROUGE2).fmeasure(),
                r.get(RougeType.ROUGE_L).fmeasure(), Arrays.stream(rm).average().orElse(0),
                Arrays.stream(gold).average().orElse(0), kl, (double) words / summaries.size(), eosRate, summaries, rm, gold);
    }

    /** Fraction of prompts where {@code a} beats {@code b} (ties count half). */
    public static double winRate(double[] a, double[] b) {
        double wins = 0;
        for (int i = 0; i < a.length; i++) {
            wins += a[i] > b[i] ? 1 : a[i] == b[i] ? 0.5 : 0;
        }
        return wins / a.length;
    }

    private static List<long[]> encode(Tokenizer tokenizer, LanguageModel model, List<PromptReferences> rows) {
        List<long[]> out = new ArrayList<>();
        for (PromptReferences r : rows) {
            out.add(tokenizer.encode(r.prompt(), model instanceof Seq2SeqLm));
        }
        return out;
    }

    private static String decode(Tokenizer tokenizer, GenerationOutput out, int i) {
        long[] ids = out.response(i);
        if (out.finished()[i]) {
            ids = Arrays.copyOf(ids, ids.length - 1);
        }
        return tokenizer.decode(ids, true).strip();
    }

    /** The document of a TL;DR-formatted prompt ("document\nTL;DR:"). */
    public static String document(String prompt) {
        String p = prompt.strip();
        return p.endsWith("TL;DR:") ? p.substring(0, p.length() - "TL;DR:".length()).strip() : p;
    }
}
