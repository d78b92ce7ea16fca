package trl4j.pipeline;

import trl4j.config.ConfigException;
import trl4j.data.debian.DebianTldr;

/**
 * The pipeline's own stages' settings (the sections of a preset that are not a trainer's config).
 * Each is a validated record with documented defaults; keys are the snake_case of the components.
 */
public final class PipelineSections {

    private PipelineSections() {}

    /**
     * {@code dataset:} which rows of the bundled debian-tldr data the run uses. Each split is a seeded
     * random subset (the same for a given seed), written into {@code RUN/dataset/} so every later stage
     * reads the same rows. Null counts mean the whole split.
     *
     * @param name the bundled dataset; only {@code debian-tldr}
     * @param trainRows documents for SFT, the tokenizer, comparisons and PPO prompts; default null = all
     * @param validationRows held-out documents (SFT evaluation, reward normalisation, PPO evaluation); default null = all
     * @param testRows test documents written for the evaluation (it uses the first {@code eval.num_samples}); default null = all
     * @param comparisonTrainRows bundled hard-negative comparisons the reward model trains on; default null = all
     * @param comparisonValidationRows bundled hard-negative comparisons it is evaluated on; default null = all
     * @param seed picks the subsets; default 42
     */
    public record Dataset(String name, Integer trainRows, Integer validationRows, Integer testRows, Integer comparisonTrainRows,
            Integer comparisonValidationRows, long seed) {

        public static final Dataset DEFAULTS = new Dataset("debian-tldr", null, null, null, null, null, 42);

        public Dataset {
            ConfigException.require("debian-tldr".equals(name), "name", name,
                    "the pipeline runs on the bundled dataset 'debian-tldr' (" + DebianTldr.RELATIVE_DIR + ")");
            positiveOrNull("train_rows", trainRows);
            positiveOrNull("validation_rows", validationRows);
            positiveOrNull("test_rows", testRows);
            positiveOrNull("comparison_train_rows", comparisonTrainRows);
            positiveOrNull("comparison_validation_rows", comparisonValidationRows);
        }
    }

    /**
     * {@code tokenizer:} the byte-level BPE trained on the run's training texts (document + summary).
     *
     * @param vocabSize vocabulary size (pad 0, eos 1, unk 2, the 256 bytes, then merges); default 8192.
     *     Smaller vocabularies make a tiny model's LM head cheaper.
     * @param maxTexts train on the first this many training rows; default null = all of them
     */
    public record Tokenizer(int vocabSize, Integer maxTexts) {

        public static final Tokenizer DEFAULTS = new Tokenizer(8192, null);

        public Tokenizer {
            ConfigException.require(vocabSize >= 512, "vocab_size", vocabSize, "must be >= 512 (special tokens, bytes, merges)");
            positiveOrNull("max_texts", maxTexts);
        }
    }

    /**
     * {@code comparisons:} Stiennon et al.'s comparisons with the {@link GoldJudge} as labeller: two
     * summaries sampled from the SFT policy per document, the better one by the gold score chosen.
     *
     * @param trainDocuments training documents sampled (the first ones of the run's train split); default 2000
     * @param validationDocuments validation documents sampled (held-out gold-labelled pairs for the
     *     reward model's accuracy); default 200
     * @param hardNegatives also train and evaluate on the bundled hard-negative comparisons; default true
     * @param maxNewTokens most tokens per sampled summary, EOS included; default 24
     * @param temperature sampling temperature; default 1.0
     * @param topK top-k of the sampling, 0 = off; default 0
     * @param topP nucleus threshold; default 1.0
     * @param batchSize documents per generation batch (two samples each); default 32
     * @param seed of the sampling; default 42
     */
    public record Comparisons(int trainDocuments, int validationDocuments, boolean hardNegatives, int maxNewTokens, double temperature,
            int topK, double topP, int batchSize, long seed) {

        public static final Comparisons DEFAULTS = new Comparisons(2000, 200, true, 24, 1.0, 0, 1.0, 32, 42);

        public Comparisons {
            ConfigException.require(trainDocuments >= 0, "train_documents", trainDocuments, "must be >= 0");
            ConfigException.require(validationDocuments >= 0, "validation_documents", validationDocuments, "must be >= 0");
            ConfigException.require(maxNewTokens >= 1, "max_new_tokens", maxNewTokens, "must be >= 1");
            ConfigException.require(temperature > 0, "temperature", temperature, "must be > 0");
            ConfigException.require(topK >= 0, "top_k", topK, "must be >= 0 (0 = off)");
            ConfigException.require(topP > 0 && topP <= 1, "top_p", topP, "must be in (0, 1]");
            ConfigException.require(batchSize >= 1, "batch_size", batchSize, "must be >= 1");
            ConfigException.require(trainDocuments > 0 || hardNegatives, "train_documents", trainDocuments,
                    "the reward model needs comparisons: sample some, or keep hard_negatives: true");
        }
    }

    /**
     * {@code eval:} the final evaluation on a fixed test subset, greedy decoding.
     *
     * @param numSamples the first this many test documents of the run; default 300
     * @param maxNewTokens most tokens per summary, EOS included; default 24
     * @param batchSize documents per generation batch; default 32
     * @param leadK the baseline's number of leading words (lead-k); default 10 (the datasheet's lead-10)
     * @param reportSamples documents shown with every summariser's output in the report; default 5
     * @param seed of the samples the KL to SFT is estimated on; default 42
     */
    public record Eval(int numSamples, int maxNewTokens, int batchSize, int leadK, int reportSamples, long seed) {

        public static final Eval DEFAULTS = new Eval(300, 24, 32, 10, 5, 42);

        public Eval {
            ConfigException.require(numSamples >= 1, "num_samples", numSamples, "must be >= 1");
            ConfigException.require(maxNewTokens >= 1, "max_new_tokens", maxNewTokens, "must be >= 1");
            ConfigException.require(batchSize >= 1, "batch_size", batchSize, "must be >= 1");
            ConfigException.require(leadK >= 1, "lead_k", leadK, "must be >= 1");
            ConfigException.require(reportSamples >= 0, "report_samples", reportSamples, "must be >= 0");
        }
    }

    private static void positiveOrNull(String key, Integer value) {
        ConfigException.require(value == null || value >= 1, key, value, "must be >= 1 (or null for the whole split)");
    }
}
