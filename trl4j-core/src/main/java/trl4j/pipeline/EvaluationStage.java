package trl4j.pipeline;

import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import trl4j.checkpoint.AtomicFiles;
import trl4j.config.StageConfig;
import trl4j.data.PromptReferences;
import trl4j.eval.baseline.LeadBaselines;
import trl4j.model.LanguageModel;
import trl4j.model.registry.Models;
import trl4j.tensor.GradMode;
import trl4j.tokenizer.Tokenizer;
import trl4j.train.reward.RewardModel;
import trl4j.train.sft.SftMethod;

/**
 * The final evaluation on a fixed test subset (the first {@code eval.num_samples} test documents of
 * the run), every summariser scored the same way by {@link PolicyEvaluator}: the lead-k baseline, the
 * SFT policy and the PPO policy (greedy), with win rates of PPO over SFT by the reward model and by the
 * gold judge. The over-optimisation curve (Gao et al. 2022) comes from PPO's periodic evaluations: the
 * sampled summaries it saved at each evaluation step, with their reward-model scores and KL, are scored
 * by the gold judge here.
 */
final class EvaluationStage {

    static final String FILE = "evaluation.json";

    /** What the stage measured; the report is drawn from it. */
    record Outcome(List<PipelineResults.PolicyRow> policies, Map<String, Double> winRates,
            List<PipelineResults.OveroptimisationPoint> overoptimisation, List<PipelineResults.Sample> samples) {}

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    private static final Pattern STEP_FILE = Pattern.compile("step-(\\d+)\\.jsonl");

    private EvaluationStage() {}

    static Outcome run(PipelineSections.Eval cfg, StageConfig<SftMethod> sftConfig, Path runDir, Path dir, PrintStream log) {
        List<PromptReferences> all = DatasetStage.references(runDir.resolve(Pipeline.DATASET).resolve(DatasetStage.TEST));
        List<PromptReferences> test = all.subList(0, Math.min(cfg.numSamples(), all.size()));
        log.printf(Locale.ROOT, "eval: %d test documents, greedy summaries of at most %d tokens%n", test.size(), cfg.maxNewTokens());
        PolicyEvaluator.Scores lead;
        PolicyEvaluator.Scores sftScores;
        PolicyEvaluator.Scores ppoScores;
        try (NDManager manager = NDManager.newBaseManager();
                GradMode noGrad = GradMode.disabled();
                Tokenizer tokenizer = Tokenizer.load(Pipeline.sftModel(runDir));
                LanguageModel sft = Models.load(Pipeline.sftModel(runDir), manager);
                LanguageModel ppo = Models.load(Pipeline.ppoModel(runDir), manager);
                RewardModel reward = RewardModel.load(Pipeline.rewardModel(runDir), manager)) {
            reward.setOptions(reward.options().withBatchSize(cfg.batchSize()));
            // The policies read the prompts cut as SFT trained them; the lead baseline reads the whole document.
            List<PromptReferences> prompts = new PromptWindow(sftConfig, tokenizer, sft, cfg.maxNewTokens()).cut(test);
            PolicyEvaluator evaluator = new PolicyEvaluator(prompts, reward, cfg.maxNewTokens(), cfg.batchSize());
            lead = evaluator.scoreTexts("lead-" + cfg.leadK(),
                    test.stream().map(p -> LeadBaselines.lead(PolicyEvaluator.document(p.prompt()), cfg.leadK())).toList());
            log.println("eval: lead-" + cfg.leadK() + " scored");
            sftScores = evaluator.evaluate("SFT", sft, null, tokenizer, cfg.seed());
            log.println("eval: SFT scored");
            ppoScores = evaluator.evaluate("PPO", ppo, sft, tokenizer, cfg.seed());
            log.println("eval: PPO scored");
        }
        Map<String, Double> winRates = new LinkedHashMap<>();
        winRates.put("PPO over SFT by the reward model", PolicyEvaluator.winRate(ppoScores.rewardPerPrompt(), sftScores.rewardPerPrompt()));
        winRates.put("PPO over SFT by the gold judge", PolicyEvaluator.winRate(ppoScores.goldPerPrompt(), sftScores.goldPerPrompt()));
        winRates.put("SFT over " + lead.name() + " by the gold judge", PolicyEvaluator.winRate(sftScores.goldPerPrompt(), lead.goldPerPrompt()));
        List<PolicyEvaluator.Scores> rows = List.of(lead, sftScores, ppoScores);
        List<PipelineResults.Sample> samples = new ArrayList<>();
        for (int i = 0; i < Math.min(cfg.reportSamples(), test.size()); i++) {
            Map<String, String> summaries = new LinkedHashMap<>();
            Map<String, Double> rm = new LinkedHashMap<>();
            Map<String, Double> gold = new LinkedHashMap<>();
            for (PolicyEvaluator.Scores s : rows) {
                summaries.put(s.name(), s.summaries().get(i));
                rm.put(s.name(), s.rewardPerPrompt()[i]);
                gold.put(s.name(), s.goldPerPrompt()[i]);
            }
            samples.add(new PipelineResults.Sample(PolicyEvaluator.document(test.get(i).prompt()), test.get(i).references().get(0),
                    summaries, rm, gold));
        }
        Outcome outcome = new Outcome(rows.stream().map(s -> row(s, test.size())).toList(), winRates,
                overoptimisation(runDir.resolve(Pipeline.PPO).resolve("samples")), samples);
        write(dir.resolve(FILE), outcome);
        rows.forEach(s -> log.printf(Locale.ROOT, "eval: %-8s ROUGE-L %.4f  reward model %.3f  gold %.4f%n", s.name(), s.rougeL(),
                s.rewardModel(), s.gold()));
        return outcome;
    }

    private static PipelineResults.PolicyRow row(PolicyEvaluator.Scores s, int n) {
        return new PipelineResults.PolicyRow(s.name(), s.rouge1(), s.rouge2(), s.rougeL(), s.rewardModel(), s.gold(), s.klToSft(),
                s.meanWords(), s.eosRate(), n);
    }

    /**
     * One point per PPO evaluation: mean reward-model score and KL of the sampled summaries (as PPO
     * logged them) and their mean gold score against the reference.
     */
    static List<PipelineResults.OveroptimisationPoint> overoptimisation(Path samplesDir) {
        if (!Files.isDirectory(samplesDir)) {
            return List.of();
        }
        GoldJudge judge = new GoldJudge();
        List<PipelineResults.OveroptimisationPoint> points = new ArrayList<>();
        try (var files = Files.list(samplesDir)) {
            for (Path f : files.toList()) {
                Matcher m = STEP_FILE.matcher(f.getFileName().toString());
                if (!m.matches()) {
                    continue;
                }
                double score = 0;
                double kl = 0;
                double gold = 0;
                int n = 0;
                try (BufferedReader in = Files.newBufferedReader(f)) {
                    for (String line = in.readLine(); line != null; line = in.readLine()) {
                        if (line.isBlank()) {
                            continue;
                        }
                        JsonNode row = JSON.readTree(line);
                        score += row.get("score").asDouble();
                        kl += row.get("kl").asDouble();
                        gold += judge.score(row.get("response").asText(), row.get("reference").asText());
                        n++;
                    }
                }
                if (n > 0) {
                    points.add(new PipelineResults.OveroptimisationPoint(Long.parseLong(m.group(1)), kl / n, score / n, gold / n));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + samplesDir + ": " + e.getMessage(), e);
        }
        points.sort((a, b) -> Long.compare(a.step(), b.step()));
        return points;
    }

    static void write(Path file, Outcome outcome) {
        try {
            AtomicFiles.writeString(file, JSON.writeValueAsString(outcome) + "\n");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }

    static Outcome read(Path file) {
        try {
            return JSON.readValue(file.toFile(), Outcome.class);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }
}
