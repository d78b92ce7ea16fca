package trl4j.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import trl4j.train.MetricsSink;

/**
 * The last stage: gathers what the earlier stages measured into {@link PipelineResults}, draws the
 * plots (SFT loss, reward-model accuracy, PPO score/KL/reward, proxy and gold score against KL) and
 * writes {@code report.md}, {@code report.html} and {@code results.json} at the top of the run folder.
 */
final class ReportStage {

    private static final ObjectMapper JSON = new ObjectMapper();

    private ReportStage() {}

    /**
     * @param skipped stages that were already done when this invocation started
     */
    static PipelineResults run(PipelineConfig config, Path runDir, Path dir, Set<String> skipped, String version) {
        EvaluationStage.Outcome eval = EvaluationStage.read(runDir.resolve(Pipeline.EVAL).resolve(EvaluationStage.FILE));
        List<PipelineResults.StageTiming> timings = new ArrayList<>();
        for (String stage : Pipeline.STAGES) {
            if (!stage.equals(Pipeline.REPORT)) {
                timings.add(new PipelineResults.StageTiming(stage, StageRunner.recordedSeconds(runDir.resolve(stage)), skipped.contains(stage)));
            }
        }
        PipelineResults results = new PipelineResults(config.preset(), Instant.now().truncatedTo(ChronoUnit.SECONDS).toString(), machine(),
                version, eval.policies(), eval.winRates(), rewardModel(runDir.resolve(Pipeline.REWARD)), timings, eval.overoptimisation(),
                eval.samples(), GoldJudge.describe());
        ReportWriter.write(runDir, results, figures(runDir, dir.resolve("plots"), eval));
        return results;
    }

    private static List<ReportWriter.Figure> figures(Path runDir, Path plots, EvaluationStage.Outcome eval) {
        List<ReportWriter.Figure> out = new ArrayList<>();
        Path sftMetrics = runDir.resolve(Pipeline.SFT).resolve(MetricsSink.FILE);
        chart(out, plots.resolve("sft-loss.png"), "SFT: training and validation loss", "step", "loss",
                Charts.fromMetrics(sftMetrics, ordered("loss", "training loss", "eval_loss", "validation loss")));
        Path rmMetrics = runDir.resolve(Pipeline.REWARD).resolve(MetricsSink.FILE);
        chart(out, plots.resolve("reward-accuracy.png"), "Reward model: pairwise accuracy", "step", "accuracy",
                Charts.fromMetrics(rmMetrics, ordered("accuracy", "training batches", "eval_accuracy", "validation")));
        Path ppoMetrics = runDir.resolve(Pipeline.PPO).resolve(MetricsSink.FILE);
        chart(out, plots.resolve("ppo-rewards.png"), "PPO: reward-model score, KL penalty and their difference per iteration", "iteration",
                "value", Charts.fromMetrics(ppoMetrics, ordered("objective/scores", "score (reward model)", "objective/kl", "KL to SFT (nats)",
                        "objective/rlhf_reward", "score - beta * KL")));
        List<Double> kl = eval.overoptimisation().stream().map(PipelineResults.OveroptimisationPoint::kl).toList();
        // Proxy and gold scores live on different scales; each is drawn as its change since PPO's first evaluation.
        List<Double> proxy = change(eval.overoptimisation().stream().map(PipelineResults.OveroptimisationPoint::rewardModelScore).toList());
        List<Double> gold = change(eval.overoptimisation().stream().map(PipelineResults.OveroptimisationPoint::goldScore).toList());
        chart(out, plots.resolve("overoptimisation-proxy.png"), "Proxy: reward-model score gained as KL to SFT grows", "KL to SFT (nats)",
                "score - score at step 0", List.of(new Charts.Series("reward model (proxy)", kl, proxy)));
        chart(out, plots.resolve("overoptimisation-gold.png"), "True objective: gold score gained as KL to SFT grows", "KL to SFT (nats)",
                "gold - gold at step 0", List.of(new Charts.Series("gold judge (true)", kl, gold)));
        return out;
    }

    private static void chart(List<ReportWriter.Figure> out, Path file, String title, String x, String y, List<Charts.Series> series) {
        if (Charts.write(file, title, x, y, series)) {
            out.add(new ReportWriter.Figure(file, title));
        }
    }

    private static Map<String, String> ordered(String... keysAndNames) {
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i < keysAndNames.length; i += 2) {
            m.put(keysAndNames[i], keysAndNames[i + 1]);
        }
        return m;
    }

    private static List<Double> change(List<Double> values) {
        return values.isEmpty() ? values : values.stream().map(v -> v - values.get(0)).toList();
    }

    /** The reward stage's held-out accuracy, overall, per kind and on the gold-labelled SFT pairs. */
    static PipelineResults.RewardModelRow rewardModel(Path rewardDir) {
        Path file = rewardDir.resolve(TrainingStages.REWARD_SUMMARY);
        try {
            JsonNode s = JSON.readTree(file.toFile());
            Map<String, Double> byKind = new LinkedHashMap<>();
            s.path("accuracy_by_kind").fields().forEachRemaining(e -> byKind.put(e.getKey(), e.getValue().asDouble()));
            return new PipelineResults.RewardModelRow(s.get("accuracy").asDouble(), byKind, byKind.get(ComparisonCollector.KIND),
                    s.get("validation_pairs").asInt(), s.has("normalisation_offset") ? s.get("normalisation_offset").asDouble() : null);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    /** The machine, for the report: OS, CPU model and cores. */
    static String machine() {
        String cpu = System.getProperty("os.arch");
        try {
            cpu = Files.readAllLines(Path.of("/proc/cpuinfo")).stream().filter(l -> l.startsWith("model name"))
                    .map(l -> l.substring(l.indexOf(':') + 1).strip()).findFirst().orElse(cpu);
        } catch (IOException | RuntimeException e) {
            // not Linux: the architecture name will do
        }
        return System.getProperty("os.name") + ", " + cpu + ", " + Runtime.getRuntime().availableProcessors() + " cores";
    }
}
