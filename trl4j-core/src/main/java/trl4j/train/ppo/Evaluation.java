package trl4j.train.ppo;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import trl4j.checkpoint.AtomicFiles;
import trl4j.data.PromptReferences;
import trl4j.eval.rouge.RougeMean;
import trl4j.eval.rouge.RougeScorer;
import trl4j.eval.rouge.RougeType;
import trl4j.model.RewardFunction;

/**
 * Held-out evaluation of a policy during and after PPO: on fixed prompts, responses sampled as in the
 * rollouts (same seed every time, so evaluations compare) give the mean reward score and the mean
 * per-sequence KL to the reference (k1, the quantity the KL target bounds); greedy responses give the
 * reward score and ROUGE against the reference summaries. A table of samples is printed and written as
 * JSON lines.
 */
final class Evaluation {

    /** Results and the rows behind them. */
    record Result(Map<String, Double> metrics, List<ObjectNode> rows) {}

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int PRINTED_ROWS = 4;

    private final Sampler sampler;
    private final Rollouts rollouts;
    private final RewardFunction reward;
    private final Sampler.Settings sampled;
    private final Sampler.Settings greedy;
    private final long seed;

    Evaluation(Sampler sampler, Rollouts rollouts, RewardFunction reward, Sampler.Settings sampled, Sampler.Settings greedy, long seed) {
        this.sampler = sampler;
        this.rollouts = rollouts;
        this.reward = reward;
        this.sampled = sampled;
        this.greedy = greedy;
        this.seed = seed;
    }

    /**
     * Evaluates the current policy on {@code prompts}; metric keys are {@code prefix} + name
     * ({@code eval/scores}, {@code eval/kl}, {@code eval/greedy_scores}, {@code eval/rougeL}, …).
     */
    Result evaluate(NDManager parent, List<PromptReferences> prompts, String prefix) {
        return evaluate(parent, null, prompts, prefix, true);
    }

    /**
     * Evaluates {@code model} (null: the policy, with its KL to the reference; else e.g. the reference
     * itself, whose KL is 0 by definition); {@code sampledToo = false} skips the sampled responses (a
     * large test split: greedy summaries, their scores and ROUGE only).
     */
    Result evaluate(NDManager parent, trl4j.model.LanguageModel model, List<PromptReferences> prompts, String prefix,
            boolean sampledToo) {
        List<String> texts = prompts.stream().map(PromptReferences::prompt).toList();
        List<String> refs = prompts.stream().map(p -> p.references().get(0)).toList();
        Map<String, Double> m = new LinkedHashMap<>();
        List<ObjectNode> rows = new ArrayList<>();
        try (NDManager manager = parent.newSubManager()) {
            Samples s = null;
            double[] scores = null;
            float[] klRows = new float[prompts.size()];
            if (sampledToo) {
                s = model == null ? sampler.sample(texts, refs, sampled, seed) : sampler.sample(model, texts, refs, sampled, seed);
                scores = reward.score(texts, s.texts());
                if (model == null) {
                    Rollout r = rollouts.score(manager, s, scores);
                    klRows = Kl.k1(r.logprobs(), r.refLogprobs()).mul(r.mask()).sum(new int[] {1}).toFloatArray(); // per sequence
                }
                m.put(prefix + "scores", mean(scores));
                m.put(prefix + "kl", mean(klRows));
                m.put(prefix + "response_length", s.responses().stream().mapToInt(x -> x.length).average().orElse(0));
            }
            Samples g = model == null ? sampler.sample(texts, refs, greedy, seed) : sampler.sample(model, texts, refs, greedy, seed);
            double[] greedyScores = reward.score(texts, g.texts());
            RougeMean rouge = new RougeScorer(true).scoreAll(g.texts(), prompts.stream().map(PromptReferences::references).toList());
            m.put(prefix + "greedy_scores", mean(greedyScores));
            m.put(prefix + "rouge1", rouge.mean().get(RougeType.ROUGE1).fmeasure());
            m.put(prefix + "rouge2", rouge.mean().get(RougeType.ROUGE2).fmeasure());
            m.put(prefix + "rougeL", rouge.mean().get(RougeType.ROUGE_L).fmeasure());
            for (int i = 0; i < g.size(); i++) {
                ObjectNode row = JSON.createObjectNode();
                row.put("prompt", texts.get(i));
                row.put("response", s != null ? s.texts().get(i) : g.texts().get(i));
                row.put("score", scores != null ? scores[i] : greedyScores[i]);
                row.put("kl", klRows[i]);
                row.put("greedy_response", g.texts().get(i));
                row.put("greedy_score", greedyScores[i]);
                row.put("reference", refs.get(i));
                rows.add(row);
            }
        }
        return new Result(m, rows);
    }

    /** Writes the rows as JSON lines (atomically). */
    static void writeRows(Path file, List<ObjectNode> rows) {
        StringBuilder out = new StringBuilder();
        rows.forEach(r -> out.append(r.toString()).append('\n'));
        AtomicFiles.writeString(file, out.toString());
    }

    /** The first rows as a small table: prompt end, response, score and KL. */
    static void print(PrintStream out, long step, Result result) {
        out.printf(Locale.ROOT, "%n[ppo] samples at step %d%n", step);
        out.printf(Locale.ROOT, "  %-40s | %-40s | %7s | %6s%n", "prompt (end)", "response", "score", "kl");
        for (int i = 0; i < Math.min(PRINTED_ROWS, result.rows().size()); i++) {
            ObjectNode r = result.rows().get(i);
            out.printf(Locale.ROOT, "  %-40s | %-40s | %7.3f | %6.2f%n", tail(r.get("prompt").asText(), 40),
                    head(r.get("response").asText(), 40), r.get("score").asDouble(), r.get("kl").asDouble());
        }
        StringBuilder line = new StringBuilder("  ");
        result.metrics().forEach((k, v) -> line.append(String.format(Locale.ROOT, "%s %.4f  ", k, v)));
        out.println(line.toString().stripTrailing());
    }

    private static String tail(String s, int n) {
        s = s.replace('\n', ' ');
        return s.length() <= n ? s : "…" + s.substring(s.length() - n + 1);
    }

    private static String head(String s, int n) {
        s = s.replace('\n', ' ');
        return s.length() <= n ? s : s.substring(0, n - 1) + "…";
    }

    static double mean(float[] xs) {
        double sum = 0;
        for (float x : xs) {
            sum += x;
        }
        return xs.length == 0 ? Double.NaN : sum / xs.length;
    }

    static double mean(double[] xs) {
        double sum = 0;
        for (double x : xs) {
            sum += x;
        }
        return xs.length == 0 ? Double.NaN : sum / xs.length;
    }
}
