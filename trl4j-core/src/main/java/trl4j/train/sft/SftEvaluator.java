package trl4j.train.sft;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import trl4j.data.PromptCompletion;
import trl4j.eval.rouge.RougeMean;
import trl4j.eval.rouge.RougeScorer;
import trl4j.eval.rouge.RougeType;
import trl4j.generate.GenerationConfig;
import trl4j.generate.GenerationOutput;
import trl4j.generate.Generator;
import trl4j.model.LanguageModel;
import trl4j.tensor.GradMode;
import trl4j.tokenizer.Tokenizer;

/**
 * What SFT measures on held-out rows: the token cross-entropy of the completions ({@code loss}, a
 * mean over all their tokens) and ROUGE-1/2/L/Lsum F1 (Porter stemmer, as rouge_score in the
 * summarisation papers) of summaries the model writes from the prompts, greedily unless
 * {@code gen_kwargs.do_sample}. Keys get a prefix ({@code eval_loss}, {@code eval_rougeL},
 * {@code test_rouge1}) as Hugging Face's {@code metric_key_prefix}; {@code gen_len} is the mean number
 * of tokens generated (EOS included), as in {@code run_summarization.py}.
 *
 * <p>Runs with dropout off and autograd off; rows are batched by length (the result does not depend
 * on the order).
 */
public final class SftEvaluator {

    /**
     * A generated summary beside its reference.
     *
     * @param tokens tokens generated, the EOS included when the model stopped
     */
    public record Prediction(String prompt, String prediction, String reference, int tokens) {}

    /** Metrics and the predictions behind the ROUGE scores. */
    public record Result(Map<String, Double> metrics, List<Prediction> predictions) {}

    private final LanguageModel model;
    private final Tokenizer tokenizer;
    private final SftEncoder encoder;
    private final SftCollator collator;
    private final int batchSize;
    private final SftMethod.GenKwargs gen;
    private final long seed;

    public SftEvaluator(LanguageModel model, Tokenizer tokenizer, SftEncoder encoder, SftCollator collator, int batchSize,
            SftMethod.GenKwargs gen, long seed) {
        this.model = model;
        this.tokenizer = tokenizer;
        this.encoder = encoder;
        this.collator = collator;
        this.batchSize = batchSize;
        this.gen = gen;
        this.seed = seed;
    }

    /**
     * Loss over {@code lossRows} (already encoded) and ROUGE over {@code rougeRows}.
     *
     * @param prefix metric key prefix without the underscore ("eval", "test")
     */
    public Result evaluate(List<SftEncoder.Example> lossRows, List<PromptCompletion> rougeRows, String prefix) {
        Map<String, Double> metrics = new LinkedHashMap<>();
        List<Prediction> predictions = List.of();
        model.setTraining(false);
        try (GradMode noGrad = GradMode.disabled()) {
            if (!lossRows.isEmpty()) {
                metrics.put(prefix + "_loss", loss(lossRows));
            }
            if (!rougeRows.isEmpty()) {
                predictions = generate(rougeRows);
                RougeMean mean = new RougeScorer(true).scoreAll(predictions.stream().map(Prediction::prediction).toList(),
                        predictions.stream().map(p -> List.of(p.reference())).toList());
                for (RougeType t : RougeType.values()) {
                    metrics.put(prefix + "_" + t.key(), mean.mean().get(t).fmeasure());
                }
                metrics.put(prefix + "_gen_len", predictions.stream().mapToInt(Prediction::tokens).average().orElse(0));
            }
        }
        return new Result(metrics, predictions);
    }

    /** Mean token cross-entropy of the completions. */
    public double loss(List<SftEncoder.Example> rows) {
        int[] order = byLength(rows.size(), i -> rows.get(i).tokens());
        double sum = 0;
        long count = 0;
        NDManager parent = model.parameters().manager();
        for (int from = 0; from < order.length; from += batchSize) {
            List<SftEncoder.Example> part = new ArrayList<>();
            for (int i = from; i < Math.min(order.length, from + batchSize); i++) {
                part.add(rows.get(order[i]));
            }
            SftBatch batch = collator.collate(part);
            try (NDManager scope = parent.newSubManager(); NDScope s = new NDScope()) {
                sum += SftLoss.nllSum(model, batch, scope).getFloat();
            }
            count += batch.targetCount();
        }
        return sum / Math.max(1, count);
    }

    /** Summaries of the rows' prompts, in row order. */
    public List<Prediction> generate(List<PromptCompletion> rows) {
        List<long[]> prompts = new ArrayList<>(rows.size());
        for (PromptCompletion r : rows) {
            prompts.add(encoder.encodePrompt(r.prompt(), gen.maxNewTokens()));
        }
        GenerationConfig config = generationConfig(model, gen, seed);
        int[] order = byLength(rows.size(), i -> prompts.get(i).length);
        String[] texts = new String[rows.size()];
        int[] lengths = new int[rows.size()];
        for (int from = 0; from < order.length; from += batchSize) {
            int to = Math.min(order.length, from + batchSize);
            List<long[]> part = new ArrayList<>();
            for (int i = from; i < to; i++) {
                part.add(prompts.get(order[i]));
            }
            GenerationOutput out = Generator.generate(model, part, config.withSeed(seed + from));
            for (int j = 0; j < part.size(); j++) {
                long[] response = out.response(j);
                int length = out.lengths()[j];
                lengths[order[from + j]] = length;
                int keep = out.finished()[j] ? length - 1 : length; // the EOS that ended the row is not text
                texts[order[from + j]] = tokenizer.decode(java.util.Arrays.copyOf(response, keep), true).strip();
            }
        }
        List<Prediction> out = new ArrayList<>(rows.size());
        for (int i = 0; i < rows.size(); i++) {
            out.add(new Prediction(rows.get(i).prompt(), texts[i], rows.get(i).completion().strip(), lengths[i]));
        }
        return out;
    }

    /** Decoding settings for a model from {@code gen_kwargs}; EOS and pad from the model's config. */
    public static GenerationConfig generationConfig(LanguageModel model, SftMethod.GenKwargs gen, long seed) {
        GenerationConfig c = GenerationConfig.greedy(model.config(), gen.maxNewTokens())
                .withMinNewTokens(gen.minNewTokens())
                .withRepetitionPenalty(gen.repetitionPenalty())
                .withEncoderRepetitionPenalty(gen.encoderRepetitionPenalty());
        if (gen.doSample()) {
            c = c.withSampling(true, gen.temperature(), gen.topK(), gen.topP());
        }
        return c.withSeed(seed);
    }

    /** Indices sorted by a length (ties by index): batches of similar lengths pad less. */
    private static int[] byLength(int n, java.util.function.IntUnaryOperator length) {
        return IntStream.range(0, n).boxed().sorted(Comparator.comparingInt((Integer i) -> length.applyAsInt(i)).thenComparingInt(i -> i))
                .mapToInt(Integer::intValue).toArray();
    }
}
