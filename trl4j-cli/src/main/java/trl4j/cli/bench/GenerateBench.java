package trl4j.cli.bench;

import ai.djl.ndarray.NDManager;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import trl4j.generate.GenerationConfig;
import trl4j.generate.Generator;
import trl4j.model.LanguageModel;
import trl4j.model.gpt2.Gpt2Config;
import trl4j.model.registry.Models;

/**
 * Generation throughput of trl4j on the GPT-2 bench shape (6 layers, 512 wide, 8 heads, 512
 * positions, vocabulary 16384), random weights, random 128-token prompts, exactly 64 new tokens.
 */
public final class GenerateBench {

    /** The bench model of DESIGN.md. */
    public static Gpt2Config benchShape() {
        return Gpt2Config.of(16384, 512, 512, 6, 8, 0, 1, 0);
    }

    /** Timing of one configuration: best of {@code repeats} runs. */
    public record Result(int batchSize, int promptLength, int newTokens, double tokensPerSecond, double prefillMs,
            double decodeMsPerStep, double totalSeconds) {}

    private GenerateBench() {}

    public static Result run(int batchSize, int promptLength, int newTokens, int repeats) {
        try (NDManager manager = NDManager.newBaseManager();
                LanguageModel model = Models.initialize(benchShape(), manager, 0)) {
            Random random = new Random(1);
            List<long[]> prompts = new ArrayList<>();
            for (int i = 0; i < batchSize; i++) {
                long[] p = new long[promptLength];
                for (int t = 0; t < promptLength; t++) {
                    p[t] = random.nextInt(16384);
                }
                prompts.add(p);
            }
            // No EOS: every row generates exactly newTokens.
            GenerationConfig full = GenerationConfig.greedy(model.config(), newTokens).withEos(List.of());
            GenerationConfig prefillOnly = full.withMaxNewTokens(1);
            Generator.generate(model, prompts, full.withMaxNewTokens(4)); // warm-up
            double bestTotal = Double.MAX_VALUE;
            double bestPrefill = Double.MAX_VALUE;
            for (int r = 0; r < repeats; r++) {
                long t0 = System.nanoTime();
                Generator.generate(model, prompts, prefillOnly);
                long t1 = System.nanoTime();
                var out = Generator.generate(model, prompts, full);
                long t2 = System.nanoTime();
                if (out.responses()[0].length != newTokens) {
                    throw new IllegalStateException("generated " + out.responses()[0].length + " tokens, expected " + newTokens);
                }
                bestPrefill = Math.min(bestPrefill, (t1 - t0) / 1e9);
                bestTotal = Math.min(bestTotal, (t2 - t1) / 1e9);
            }
            double decodePerStep = (bestTotal - bestPrefill) / Math.max(1, newTokens - 1);
            return new Result(batchSize, promptLength, newTokens, batchSize * newTokens / bestTotal,
                    bestPrefill * 1e3, decodePerStep * 1e3, bestTotal);
        }
    }
}
