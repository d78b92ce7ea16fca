package trl4j.cli;

import ai.djl.pytorch.jni.JniUtils;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import trl4j.cli.bench.GenerateBench;
import trl4j.cli.bench.PpoBench;
import trl4j.cli.bench.PythonBaseline;

/** {@code trl4j bench ...}: our speed beside plain PyTorch, in one run on this machine. */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Benchmarks against plain PyTorch (Debian python3-torch) on the same machine in the same run.",
        subcommands = {BenchCommand.Generate.class, BenchCommand.Ppo.class})
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

        @Option(names = "--json", description = "Print one JSON object.")
        boolean json;

        @Option(names = "--no-baseline", description = "Skip the PyTorch side.")
        boolean noBaseline;

        @Override
        public Integer call() throws Exception {
            ai.djl.engine.Engine.getInstance(); // loads the native library
            int threads = JniUtils.getNumThreads();
            GenerateBench.Result ours = GenerateBench.run(batchSize, promptLength, newTokens, repeats);
            JsonNode base = noBaseline ? null : PythonBaseline.run("pytorch_gpt2.py", threads, List.of(
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
            if (json) {
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

        @Option(names = "--json", description = "Print one JSON object.")
        boolean json;

        @Option(names = "--no-baseline", description = "Skip the PyTorch side.")
        boolean noBaseline;

        static final List<String> PHASES = List.of("generate", "score", "train", "iteration");

        @Override
        public Integer call() throws Exception {
            ai.djl.engine.Engine.getInstance();
            int threads = JniUtils.getNumThreads();
            java.util.Map<String, Double> t = PpoBench.run(batchSize, promptLength, newTokens, epochs, miniBatch, repeats).seconds();
            // "score" = policy, reference and value passes + the reward model, as the baseline times it.
            java.util.Map<String, Double> ours = java.util.Map.of("generate", t.get("time/generate"),
                    "score", t.get("time/score") + t.get("time/reward"), "train", t.get("time/train"), "iteration", t.get("time/iteration"));
            JsonNode base = noBaseline ? null : PythonBaseline.run("pytorch_ppo.py", threads, List.of(
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
            if (json) {
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
}
