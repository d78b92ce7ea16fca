package trl4j.cli;

import ai.djl.pytorch.jni.JniUtils;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import trl4j.cli.bench.GenerateBench;
import trl4j.cli.bench.PpoBench;
import trl4j.cli.bench.PythonBaseline;
import trl4j.cli.bench.TrainBench;

/** {@code trl4j bench ...}: our speed beside plain PyTorch, in one run on this machine. */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Benchmarks against plain PyTorch (Debian python3-torch) on the same machine in the same run.",
        subcommands = {BenchCommand.Generate.class, BenchCommand.Train.class, BenchCommand.Ppo.class})
final class BenchCommand implements Runnable {

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    @Command(name = "generate", mixinStandardHelpOptions = true,
            description = {"Generation tokens/s with the KV cache: GPT-2 bench shape (6x512, 8 heads, vocab 16384),",
                "128-token prompts, exactly 64 new tokens, greedy."})
    static final class Generate implements Callable<Integer> {
        @Spec
        picocli.CommandLine.Model.CommandSpec spec;

        @Option(names = "--batch-size", defaultValue = "1", description = "Rows per batch (default ${DEFAULT-VALUE}).")
        int batchSize;

        @Option(names = "--prompt-length", defaultValue = "128")
        int promptLength;

        @Option(names = "--new-tokens", defaultValue = "64")
        int newTokens;

        @Option(names = "--repeats", defaultValue = "3", description = "Timed runs per side; the best is reported.")
        int repeats;

        @Mixin
        Output output;

        @Override
        public Integer call() throws Exception {
            ai.djl.engine.Engine.getInstance(); // loads the native library
            int threads = JniUtils.getNumThreads();
            GenerateBench.Result ours = GenerateBench.run(batchSize, promptLength, newTokens, repeats);
            JsonNode base = output.noBaseline ? null : PythonBaseline.run("pytorch_gpt2.py", threads, List.of(
                    "--mode", "generate", "--batch-size", String.valueOf(batchSize), "--prompt-len", String.valueOf(promptLength),
                    "--new-tokens", String.valueOf(newTokens), "--repeats", String.valueOf(repeats)));
            PrintWriter out = spec.commandLine().getOut();
            ObjectMapper mapper = new ObjectMapper();
            ObjectNode o = mapper.createObjectNode();
            o.put("benchmark", "generate");
            o.put("model", "gpt2-bench (n_layer 6, n_embd 512, n_head 8, vocab 16384)");
            o.put("batch_size", batchSize);
            o.put("prompt_len", promptLength);
            o.put("new_tokens", newTokens);
            o.put("threads", threads);
            o.put("trl4j_tokens_per_s", ours.tokensPerSecond());
            o.put("trl4j_prefill_ms", ours.prefillMs());
            o.put("trl4j_decode_ms_per_step", ours.decodeMsPerStep());
            if (base != null) {
                o.put("pytorch_tokens_per_s", base.get("tokens_per_s").asDouble());
                o.put("pytorch_prefill_ms", base.get("prefill_ms").asDouble());
                o.put("pytorch_decode_ms_per_step", base.get("decode_ms_per_step").asDouble());
                o.put("pytorch_engine", base.get("engine").asText());
                o.put("ratio", ours.tokensPerSecond() / base.get("tokens_per_s").asDouble());
            }
            if (output.json) {
                out.println(mapper.writeValueAsString(o));
            } else {
                out.printf("generate  batch %d, prompt %d, %d new tokens, %d threads%n", batchSize, promptLength, newTokens, threads);
                out.printf("  trl4j    %8.1f tokens/s   prefill %7.1f ms   decode %6.2f ms/step%n",
                        ours.tokensPerSecond(), ours.prefillMs(), ours.decodeMsPerStep());
                if (base != null) {
                    out.printf("  pytorch  %8.1f tokens/s   prefill %7.1f ms   decode %6.2f ms/step   (%s)%n",
                            base.get("tokens_per_s").asDouble(), base.get("prefill_ms").asDouble(),
                            base.get("decode_ms_per_step").asDouble(), base.get("engine").asText());
                    out.printf("  ratio    %.2fx%n", o.get("ratio").asDouble());
                }
            }
            out.flush();
            return 0;
        }
    }

    @Command(name = "train", mixinStandardHelpOptions = true,
            description = {"Training-step tokens/s (forward + backward + clipping + AdamW, dropout off) and model-FLOPs",
                "utilisation against an fp32 matmul peak measured in the same run:",
                "  gpt2-bench: GPT-2 6x512, 8 heads, vocab 16384; batch 8 x 256 tokens, loss on every next token",
                "  t5-small:   T5 d_model 512, 6+6 layers, 8 heads, d_ff 2048, vocab 32128; batch 8, source 256, target 32"})
    static final class Train implements Callable<Integer> {
        @Spec
        picocli.CommandLine.Model.CommandSpec spec;

        @Option(names = "--model", defaultValue = "gpt2-bench", description = "gpt2-bench or t5-small (default ${DEFAULT-VALUE}).")
        String model;

        @Option(names = "--batch-size", defaultValue = "8")
        int batchSize;

        @Option(names = "--seq-len", defaultValue = "256", description = "Tokens per row (T5: source tokens).")
        int seqLen;

        @Option(names = "--target-len", defaultValue = "32", description = "T5 target tokens.")
        int targetLen;

        @Option(names = "--steps", defaultValue = "3", description = "Timed steps per side after one warm-up; the best is reported.")
        int steps;

        @Mixin
        Output output;

        @Override
        public Integer call() throws Exception {
            if (!List.of("gpt2-bench", "t5-small").contains(model)) {
                throw new IllegalArgumentException("--model must be gpt2-bench or t5-small, got '" + model + "'");
            }
            ai.djl.engine.Engine.getInstance();
            int threads = JniUtils.getNumThreads();
            TrainBench.Shape3 shape = new TrainBench.Shape3(model, batchSize, seqLen, targetLen);
            TrainBench.Result ours = TrainBench.run(shape, steps);
            JsonNode base = output.noBaseline ? null : PythonBaseline.run("pytorch_train.py", threads, List.of("--model", model,
                    "--batch-size", String.valueOf(batchSize), "--seq-len", String.valueOf(seqLen),
                    "--target-len", String.valueOf(targetLen), "--steps", String.valueOf(steps)));
            ObjectMapper mapper = new ObjectMapper();
            ObjectNode o = mapper.createObjectNode();
            o.put("benchmark", "train");
            o.put("model", model.equals("t5-small") ? "t5-small (d_model 512, 6+6 layers, 8 heads, d_ff 2048, vocab 32128)"
                    : "gpt2-bench (n_layer 6, n_embd 512, n_head 8, vocab 16384)");
            o.put("batch_size", batchSize);
            o.put(model.equals("t5-small") ? "source_len" : "seq_len", seqLen);
            if (model.equals("t5-small")) {
                o.put("target_len", targetLen);
            }
            o.put("threads", threads);
            o.put("parameters", ours.parameters());
            o.put("tokens_per_step", ours.tokensPerStep());
            o.put("model_gflop_per_step", ours.flopsPerStep() / 1e9);
            o.put("trl4j_tokens_per_s", ours.tokensPerSecond());
            o.put("trl4j_step_s", ours.stepSeconds());
            o.put("trl4j_matmul_peak_gflops", ours.matmulPeakGflops());
            o.put("mfu", ours.mfu());
            if (base != null) {
                double pyStep = base.get("step_s").asDouble();
                double pyPeak = base.get("matmul_peak_gflops").asDouble();
                o.put("pytorch_tokens_per_s", base.get("tokens_per_s").asDouble());
                o.put("pytorch_step_s", pyStep);
                o.put("pytorch_matmul_peak_gflops", pyPeak);
                o.put("pytorch_mfu", ours.flopsPerStep() / pyStep / 1e9 / pyPeak);
                o.put("pytorch_engine", base.get("engine").asText());
                o.put("ratio", ours.tokensPerSecond() / base.get("tokens_per_s").asDouble());
            }
            PrintWriter out = spec.commandLine().getOut();
            if (output.json) {
                out.println(mapper.writeValueAsString(o));
            } else {
                out.printf("train  %s, batch %d, %d tokens/step, %.1f GFLOP/step, %d threads%n", model, batchSize,
                        ours.tokensPerStep(), ours.flopsPerStep() / 1e9, threads);
                out.printf("  trl4j    %8.1f tokens/s   step %6.2f s   %6.1f GFLOP/s   MFU %4.1f%% of %.0f GFLOP/s matmul peak%n",
                        ours.tokensPerSecond(), ours.stepSeconds(), ours.achievedGflops(), 100 * ours.mfu(), ours.matmulPeakGflops());
                if (base != null) {
                    out.printf("  pytorch  %8.1f tokens/s   step %6.2f s   %6.1f GFLOP/s   MFU %4.1f%% of %.0f GFLOP/s matmul peak   (%s)%n",
                            base.get("tokens_per_s").asDouble(), o.get("pytorch_step_s").asDouble(),
                            ours.flopsPerStep() / o.get("pytorch_step_s").asDouble() / 1e9, 100 * o.get("pytorch_mfu").asDouble(),
                            o.get("pytorch_matmul_peak_gflops").asDouble(), base.get("engine").asText());
                    out.printf("  ratio    %.2fx%n", o.get("ratio").asDouble());
                }
            }
            out.flush();
            return 0;
        }
    }

    @Command(name = "ppo", mixinStandardHelpOptions = true,
            description = {"One PPO iteration on the GPT-2 bench shape (6x512, 8 heads, vocab 16384): 16 prompts of 128 tokens,",
                "64 sampled tokens, scoring by policy + value head, reference and reward model, 4 epochs of minibatches of 8;",
                "per phase (generate / score / train), beside the same loop in plain PyTorch (bench/pytorch_ppo.py)."})
    static final class Ppo implements Callable<Integer> {
        @Spec
        picocli.CommandLine.Model.CommandSpec spec;

        @Option(names = "--batch-size", defaultValue = "16", description = "Rollouts per iteration (default ${DEFAULT-VALUE}).")
        int batchSize;

        @Option(names = "--prompt-length", defaultValue = "128")
        int promptLength;

        @Option(names = "--new-tokens", defaultValue = "64")
        int newTokens;

        @Option(names = "--epochs", defaultValue = "4")
        int epochs;

        @Option(names = "--mini-batch", defaultValue = "8")
        int miniBatch;

        @Option(names = "--repeats", defaultValue = "1", description = "Timed iterations per side after a warm-up; the best is reported.")
        int repeats;

        @Mixin
        Output output;

        static final List<String> PHASES = List.of("generate", "score", "train", "iteration");

        @Override
        public Integer call() throws Exception {
            ai.djl.engine.Engine.getInstance();
            int threads = JniUtils.getNumThreads();
            java.util.Map<String, Double> t = PpoBench.run(batchSize, promptLength, newTokens, epochs, miniBatch, repeats).seconds();
            // "score" = policy, reference and value passes + the reward model, as the baseline times it.
            java.util.Map<String, Double> ours = java.util.Map.of("generate", t.get("time/generate"),
                    "score", t.get("time/score") + t.get("time/reward"), "train", t.get("time/train"), "iteration", t.get("time/iteration"));
            JsonNode base = output.noBaseline ? null : PythonBaseline.run("pytorch_ppo.py", threads, List.of(
                    "--batch-size", String.valueOf(batchSize), "--prompt-len", String.valueOf(promptLength),
                    "--new-tokens", String.valueOf(newTokens), "--epochs", String.valueOf(epochs), "--mini-batch", String.valueOf(miniBatch),
                    "--repeats", String.valueOf(repeats)));
            ObjectMapper mapper = new ObjectMapper();
            ObjectNode o = mapper.createObjectNode();
            o.put("benchmark", "ppo");
            o.put("model", "gpt2-bench (n_layer 6, n_embd 512, n_head 8, vocab 16384)");
            o.put("batch_size", batchSize);
            o.put("prompt_len", promptLength);
            o.put("new_tokens", newTokens);
            o.put("ppo_epochs", epochs);
            o.put("mini_batch", miniBatch);
            o.put("threads", threads);
            for (String p : PHASES) {
                o.put("trl4j_" + p + "_s", ours.get(p));
            }
            if (base != null) {
                for (String p : PHASES) {
                    o.put("pytorch_" + p + "_s", base.get(p + "_s").asDouble());
                }
                o.put("pytorch_engine", base.get("engine").asText());
                o.put("ratio", base.get("iteration_s").asDouble() / ours.get("iteration"));
            }
            PrintWriter out = spec.commandLine().getOut();
            if (output.json) {
                out.println(mapper.writeValueAsString(o));
            } else {
                out.printf("ppo  batch %d, prompt %d, %d new tokens, %d epochs x minibatch %d, %d threads (seconds per iteration)%n",
                        batchSize, promptLength, newTokens, epochs, miniBatch, threads);
                out.printf("           %9s %9s %9s %9s%n", "generate", "score", "train", "total");
                out.printf("  trl4j    %9.2f %9.2f %9.2f %9.2f%n", ours.get("generate"), ours.get("score"), ours.get("train"), ours.get("iteration"));
                if (base != null) {
                    out.printf("  pytorch  %9.2f %9.2f %9.2f %9.2f   (%s)%n", base.get("generate_s").asDouble(), base.get("score_s").asDouble(),
                            base.get("train_s").asDouble(), base.get("iteration_s").asDouble(), base.get("engine").asText());
                    out.printf("  speed-up %8.2fx %8.2fx %8.2fx %8.2fx  (pytorch time / trl4j time)%n",
                            base.get("generate_s").asDouble() / ours.get("generate"), base.get("score_s").asDouble() / ours.get("score"),
                            base.get("train_s").asDouble() / ours.get("train"), o.get("ratio").asDouble());
                }
            }
            out.flush();
            return 0;
        }
    }

    /** The output options every benchmark shares. */
    static final class Output {
        @Option(names = "--json", description = "Print one JSON object.")
        boolean json;

        @Option(names = "--no-baseline", description = "Skip the PyTorch side.")
        boolean noBaseline;
    }
}
