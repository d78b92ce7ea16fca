package trl4j.pipeline;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.function.Function;
import java.util.zip.GZIPOutputStream;
import trl4j.checkpoint.AtomicFiles;
import trl4j.data.Comparison;
import trl4j.data.Datasets;
import trl4j.data.PromptCompletion;
import trl4j.data.PromptReferences;
import trl4j.data.ReadOptions;
import trl4j.data.debian.DebianTldr;
import trl4j.eval.baseline.DebianTldrRelease;
import trl4j.tokenizer.BpeTrainer;
import trl4j.tokenizer.BpeTrainerConfig;

/**
 * The first two stages: the run's rows of the bundled debian-tldr data (built from Debian's
 * Translation-en when the bundled files are missing), written as TRL-layout JSONL into
 * {@code RUN/dataset/}, and the byte-level BPE tokenizer trained on the training texts into
 * {@code RUN/tokenizer/}. Every later stage reads these files, so the whole run sees the same rows.
 */
final class DatasetStage {

    static final String TRAIN = "train.jsonl.gz";
    static final String VALIDATION = "validation.jsonl.gz";
    static final String TEST = "test.jsonl.gz";
    static final String HARD_NEGATIVES_TRAIN = "hard-negatives-train.jsonl.gz";
    static final String HARD_NEGATIVES_VALIDATION = "hard-negatives-validation.jsonl.gz";
    static final String SUMMARY = "dataset.json";

    private static final ObjectMapper JSON = new ObjectMapper();

    private DatasetStage() {}

    /** Writes the run's subsets of every split and of the hard-negative comparisons. */
    static void writeDataset(PipelineSections.Dataset cfg, Path home, Path dir, PrintStream log) throws IOException {
        Path data = bundled(home, log);
        ObjectNode summary = JSON.createObjectNode().put("source", data.toString()).put("seed", cfg.seed());
        Integer[] limits = {cfg.trainRows(), cfg.validationRows(), cfg.testRows()};
        String[] files = {TRAIN, VALIDATION, TEST};
        for (int i = 0; i < DebianTldr.SPLITS.size(); i++) {
            String split = DebianTldr.SPLITS.get(i);
            List<PromptCompletion> all = DebianTldr.pairs(data, split);
            List<PromptCompletion> rows = subset(all, limits[i], cfg.seed());
            writeJsonl(dir.resolve(files[i]), rows, r -> JSON.createObjectNode().put("prompt", r.prompt()).put("completion", r.completion()));
            summary.put(split + "_rows", rows.size());
            log.printf(Locale.ROOT, "dataset: %s %d of %d rows%n", split, rows.size(), all.size());
        }
        Integer[] comparisonLimits = {cfg.comparisonTrainRows(), cfg.comparisonValidationRows()};
        String[] comparisonFiles = {HARD_NEGATIVES_TRAIN, HARD_NEGATIVES_VALIDATION};
        for (int i = 0; i < 2; i++) {
            String split = DebianTldr.SPLITS.get(i);
            List<Comparison> rows = subset(DebianTldr.comparisons(data, split), comparisonLimits[i], cfg.seed());
            writeJsonl(dir.resolve(comparisonFiles[i]), rows, DatasetStage::comparisonJson);
            summary.put("hard_negatives_" + split + "_rows", rows.size());
        }
        AtomicFiles.writeString(dir.resolve(SUMMARY), summary.toPrettyString() + "\n");
    }

    /** Trains the BPE on the run's training texts (prompt + completion, the text the models see). */
    static void trainTokenizer(PipelineSections.Tokenizer cfg, Path datasetDir, Path dir, PrintStream log) throws IOException {
        List<PromptCompletion> train = pairs(datasetDir.resolve(TRAIN));
        int n = cfg.maxTexts() == null ? train.size() : Math.min(cfg.maxTexts(), train.size());
        long t0 = System.nanoTime();
        BpeTrainer bpe = new BpeTrainer(BpeTrainerConfig.defaults().withVocabSize(cfg.vocabSize()));
        for (PromptCompletion row : train.subList(0, n)) {
            bpe.add(row.prompt() + row.completion());
        }
        bpe.train().save(dir);
        log.printf(Locale.ROOT, "tokenizer: byte-level BPE, vocabulary %d, trained on %d texts in %.1f s%n", cfg.vocabSize(), n,
                (System.nanoTime() - t0) / 1e9);
    }

    /** The bundled dataset folder; built from Debian's Translation-en beside the repository when missing. */
    static Path bundled(Path home, PrintStream log) throws IOException {
        try {
            return DebianTldr.locate(home);
        } catch (IllegalArgumentException missing) {
            Path source = home.toAbsolutePath().normalize().resolveSibling("shared").resolve(DebianTldr.SOURCE_IN_SHARED);
            if (!Files.isRegularFile(source)) {
                throw new IllegalArgumentException(home.resolve(DebianTldr.RELATIVE_DIR) + ": no debian-tldr dataset, and no Debian"
                        + " Translation-en at " + source + " to build it from (./trl4j data build-debian --source FILE)");
            }
            Path out = home.resolve(DebianTldr.RELATIVE_DIR);
            log.println("dataset: building " + out + " from " + source);
            DebianTldrRelease.build(source, out);
            return DebianTldr.locate(home);
        }
    }

    /** A seeded random subset of {@code n} rows in their original order (all rows when {@code n} is null or larger). */
    static <T> List<T> subset(List<T> rows, Integer n, long seed) {
        if (n == null || n >= rows.size()) {
            return rows;
        }
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < rows.size(); i++) {
            order.add(i);
        }
        Collections.shuffle(order, new Random(seed));
        List<Integer> picked = new ArrayList<>(order.subList(0, n));
        Collections.sort(picked);
        return picked.stream().map(rows::get).toList();
    }

    static List<PromptCompletion> pairs(Path file) {
        return Datasets.loadPairs(file, ReadOptions.defaults()).rows();
    }

    static List<PromptReferences> references(Path file) {
        return Datasets.loadReferences(file, ReadOptions.defaults()).rows();
    }

    static ObjectNode comparisonJson(Comparison c) {
        return JSON.createObjectNode().put("prompt", c.prompt()).put("chosen", c.chosen()).put("rejected", c.rejected()).put("kind", c.kind());
    }

    /** JSON lines, gzip-compressed when the name ends in .gz, written atomically. */
    static <T> void writeJsonl(Path file, List<T> rows, Function<T, ObjectNode> toJson) {
        AtomicFiles.write(file, out -> {
            var target = file.toString().endsWith(".gz") ? new GZIPOutputStream(out, 1 << 16) : out;
            for (T row : rows) {
                target.write((JSON.writeValueAsString(toJson.apply(row)) + "\n").getBytes(StandardCharsets.UTF_8));
            }
            if (target instanceof GZIPOutputStream gz) {
                gz.finish();
            }
            target.flush();
        });
    }
}
