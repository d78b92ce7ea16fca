package trl4j.pipeline;

import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import trl4j.checkpoint.AtomicFiles;
import trl4j.config.StageConfig;
import trl4j.data.Comparison;
import trl4j.data.Datasets;
import trl4j.data.PromptReferences;
import trl4j.data.ReadOptions;
import trl4j.generate.GenerationConfig;
import trl4j.model.LanguageModel;
import trl4j.model.registry.Models;
import trl4j.tensor.GradMode;
import trl4j.tokenizer.Tokenizer;
import trl4j.train.sft.SftMethod;

/**
 * The comparisons the reward model learns from, as Stiennon et al. collect them: for training (and,
 * held out, validation) documents, two summaries sampled from the SFT policy, labelled by the
 * {@link GoldJudge}; plus the bundled hard negatives of the run's dataset. Written as TRL-layout JSONL
 * ({@code prompt, chosen, rejected, kind}) so the reward model's accuracy is reported per kind.
 */
final class ComparisonsStage {

    static final String TRAIN = "comparisons-train.jsonl";
    static final String VALIDATION = "comparisons-validation.jsonl";
    static final String SUMMARY = "comparisons.json";
    /** Documents per generation call between progress lines. */
    private static final int CHUNK = 256;

    private ComparisonsStage() {}

    static void run(PipelineSections.Comparisons cfg, StageConfig<SftMethod> sftConfig, Path sftModel, Path datasetDir, Path dir,
            PrintStream log) {
        ObjectNode summary = new ObjectMapper().createObjectNode();
        List<Comparison> train = new ArrayList<>();
        List<Comparison> validation = new ArrayList<>();
        try (NDManager manager = NDManager.newBaseManager();
                GradMode noGrad = GradMode.disabled();
                Tokenizer tokenizer = Tokenizer.load(sftModel);
                LanguageModel sft = Models.load(sftModel, manager)) {
            GenerationConfig sampling = GenerationConfig.greedy(sft.config(), cfg.maxNewTokens())
                    .withSampling(true, cfg.temperature(), cfg.topK(), cfg.topP()).withSeed(cfg.seed());
            PromptWindow window = new PromptWindow(sftConfig, tokenizer, sft, cfg.maxNewTokens());
            train.addAll(sample("train", DatasetStage.references(datasetDir.resolve(DatasetStage.TRAIN)), cfg.trainDocuments(), sft,
                    tokenizer, window, sampling, cfg.batchSize(), summary, log));
            // Validation documents get their own seed stream, so they are not the training samples' twins.
            validation.addAll(sample("validation", DatasetStage.references(datasetDir.resolve(DatasetStage.VALIDATION)),
                    cfg.validationDocuments(), sft, tokenizer, window, sampling.withSeed(cfg.seed() + 1_000_003L), cfg.batchSize(), summary, log));
        }
        if (cfg.hardNegatives()) {
            List<Comparison> hardTrain = comparisons(datasetDir.resolve(DatasetStage.HARD_NEGATIVES_TRAIN));
            List<Comparison> hardValidation = comparisons(datasetDir.resolve(DatasetStage.HARD_NEGATIVES_VALIDATION));
            train.addAll(hardTrain);
            validation.addAll(hardValidation);
            summary.put("hard_negatives_train", hardTrain.size()).put("hard_negatives_validation", hardValidation.size());
        }
        ComparisonCollector.write(dir.resolve(TRAIN), train);
        ComparisonCollector.write(dir.resolve(VALIDATION), validation);
        summary.put("train_pairs", train.size()).put("validation_pairs", validation.size()).put("gold_judge", GoldJudge.describe());
        AtomicFiles.writeString(dir.resolve(SUMMARY), summary.toPrettyString() + "\n");
        log.printf(Locale.ROOT, "comparisons: %d training and %d validation pairs -> %s%n", train.size(), validation.size(), dir);
    }

    private static List<Comparison> sample(String split, List<PromptReferences> rows, int documents, LanguageModel sft, Tokenizer tokenizer,
            PromptWindow window, GenerationConfig sampling, int batchSize, ObjectNode summary, PrintStream log) {
        List<PromptReferences> docs = window.cut(rows.subList(0, Math.min(documents, rows.size())));
        List<Comparison> out = new ArrayList<>();
        int identical = 0;
        int ties = 0;
        long t0 = System.nanoTime();
        for (int start = 0; start < docs.size(); start += CHUNK) {
            List<PromptReferences> chunk = docs.subList(start, Math.min(docs.size(), start + CHUNK));
            // The collector adds each batch's offset within the chunk; adding the chunk's own offset keeps
            // every batch's seed distinct, the same as one call over all documents.
            ComparisonCollector.Collected c = ComparisonCollector.collect(sft, tokenizer, chunk, sampling.withSeed(sampling.seed() + start),
                    batchSize);
            out.addAll(c.comparisons());
            identical += c.identical();
            ties += c.ties();
            log.printf(Locale.ROOT, "comparisons: %s %d/%d documents sampled (%.0f s)%n", split, start + chunk.size(), docs.size(),
                    (System.nanoTime() - t0) / 1e9);
        }
        summary.put(split + "_documents", docs.size()).put(split + "_gold_pairs", out.size()).put(split + "_identical", identical)
                .put(split + "_ties", ties);
        return out;
    }

    private static List<Comparison> comparisons(Path file) {
        return Datasets.loadComparisons(file, ReadOptions.defaults()).rows();
    }
}
