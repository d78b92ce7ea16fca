package trl4j.train.sft;

import java.util.Map;
import java.util.Set;
import trl4j.config.ConfigException;
import trl4j.config.StageSchema;

/**
 * The SFT stage's own settings: TRL's {@code SFTConfig} keys (flat layout) and trlX's
 * {@code method: {name: sftconfig, gen_kwargs: …}} (nested layout), plus the data and evaluation keys
 * of Hugging Face's {@code run_summarization.py}. Shared keys (learning rate, batch size, steps,
 * {@code max_length}, …) live in {@link trl4j.config.TrainingConfig}.
 *
 * @param completionOnlyLoss loss on completion tokens only, prompt tokens masked with −100; default
 *     true (TRL). False trains on every token of prompt + completion (language modelling).
 * @param datasetName a bundled dataset, "debian-tldr" (default); ignored for splits given as files
 * @param trainFile training rows (JSONL/JSON/CSV/Parquet, plain or compressed; schema detected); default
 *     null = the dataset's train split
 * @param validationFile validation rows; default null = the dataset's validation split
 * @param testFile test rows, for {@code do_predict}; default null = the dataset's test split
 * @param maxCompletionLength most completion tokens, EOS included (longer completions are cut at the
 *     end); default 128 (HF's {@code max_target_length}). The prompt gets what {@code max_length}
 *     leaves (causal) or {@code max_length} tokens of its own (encoder–decoder).
 * @param maxEvalSamples validation rows used for {@code eval_loss}; default null = all (HF
 *     {@code max_eval_samples})
 * @param rougeEvalSamples the first this many validation rows are summarised (greedy unless
 *     {@code gen_kwargs.do_sample}) and scored with ROUGE at every evaluation; default 200; 0 = no ROUGE
 * @param doPredict after training, loss and ROUGE on the test rows, written to
 *     {@code test_results.json} and {@code test_predictions.jsonl}; default false (HF {@code do_predict})
 * @param maxPredictSamples test rows used by {@code do_predict}; default null = all (HF)
 * @param genKwargs decoding of the summaries scored by ROUGE (trlX's {@code gen_kwargs})
 * @param tokenizerVocabSize vocabulary of the byte-level BPE trained on the training texts when a
 *     {@code preset:} model has no {@code tokenizer_path}; default 8192. Smaller vocabularies make the
 *     LM head (the largest matmul of a tiny model) cheaper.
 */
public record SftMethod(boolean completionOnlyLoss, String datasetName, String trainFile, String validationFile,
        String testFile, int maxCompletionLength, Integer maxEvalSamples, int rougeEvalSamples, boolean doPredict,
        Integer maxPredictSamples, GenKwargs genKwargs, int tokenizerVocabSize) {

    /** The bundled dataset trl4j knows by name. */
    public static final String DEBIAN_TLDR = "debian-tldr";

    public static final SftMethod DEFAULTS = new SftMethod(true, DEBIAN_TLDR, null, null, null, 128, null, 200, false,
            null, GenKwargs.DEFAULTS, 8192);

    /**
     * The schema the config loader reads SFT configs with: trlX method name {@code sftconfig}, TRL's
     * SFT defaults for shared keys ({@code learning_rate 2e-5}, {@code logging_steps 10}).
     */
    public static final StageSchema<SftMethod> SCHEMA = new StageSchema<>("sft", SftMethod.class, DEFAULTS,
            Set.of("sftconfig"), Map.of(), Map.of("learning_rate", 2e-5, "output_dir", "runs/sft", "logging_steps", 10));

    public SftMethod {
        if (datasetName != null && datasetName.isBlank()) {
            datasetName = null;
        }
        ConfigException.require(datasetName == null || datasetName.equals(DEBIAN_TLDR), "dataset_name", datasetName,
                "the bundled dataset is '" + DEBIAN_TLDR + "'; give other data as train_file/validation_file/test_file");
        ConfigException.require(datasetName != null || trainFile != null, "train_file", trainFile,
                "training data is required: a train_file, or dataset_name: " + DEBIAN_TLDR);
        ConfigException.require(maxCompletionLength >= 2, "max_completion_length", maxCompletionLength,
                "must be >= 2 (one token and the EOS)");
        ConfigException.require(maxEvalSamples == null || maxEvalSamples >= 1, "max_eval_samples", maxEvalSamples,
                "must be >= 1 (or null for all)");
        ConfigException.require(rougeEvalSamples >= 0, "rouge_eval_samples", rougeEvalSamples, "must be >= 0 (0 = no ROUGE)");
        ConfigException.require(maxPredictSamples == null || maxPredictSamples >= 1, "max_predict_samples", maxPredictSamples,
                "must be >= 1 (or null for all)");
        ConfigException.require(tokenizerVocabSize >= 512, "tokenizer_vocab_size", tokenizerVocabSize,
                "must be >= 512 (special tokens, the 256 bytes and some merges)");
        if (genKwargs == null) {
            genKwargs = GenKwargs.DEFAULTS;
        }
    }

    /**
     * Decoding settings (Hugging Face {@code generate} names, as trlX's {@code gen_kwargs}).
     *
     * @param maxNewTokens most tokens generated, EOS included; default 32 (debian-tldr synopses are ~10 tokens)
     * @param minNewTokens EOS is suppressed before this many; default 0
     * @param doSample sample instead of greedy decoding; default false
     * @param temperature sampling temperature; default 1.0
     * @param topK sample among the k most likely tokens, 0 = all; default 0 (trlX configs set 0)
     * @param topP nucleus threshold; default 1.0
     * @param repetitionPenalty CTRL's penalty on tokens already in the row; default 1.0 (off)
     * @param encoderRepetitionPenalty Hugging Face's favour for tokens of the prompt (above 1: copy more
     *     from the document); default 1.0 (off)
     */
    public record GenKwargs(int maxNewTokens, int minNewTokens, boolean doSample, double temperature, int topK,
            double topP, double repetitionPenalty, double encoderRepetitionPenalty) {

        public static final GenKwargs DEFAULTS = new GenKwargs(32, 0, false, 1.0, 0, 1.0, 1.0, 1.0);

        public GenKwargs {
            ConfigException.require(maxNewTokens >= 1, "max_new_tokens", maxNewTokens, "must be >= 1");
            ConfigException.require(minNewTokens >= 0 && minNewTokens <= maxNewTokens, "min_new_tokens", minNewTokens,
                    "must be in [0, max_new_tokens]");
            ConfigException.require(temperature > 0, "temperature", temperature, "must be > 0");
            ConfigException.require(topK >= 0, "top_k", topK, "must be >= 0 (0 = off)");
            ConfigException.require(topP > 0 && topP <= 1, "top_p", topP, "must be in (0, 1]");
            ConfigException.require(repetitionPenalty > 0, "repetition_penalty", repetitionPenalty, "must be > 0");
            ConfigException.require(encoderRepetitionPenalty > 0, "encoder_repetition_penalty", encoderRepetitionPenalty, "must be > 0");
        }
    }
}
