package trl4j.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import trl4j.checkpoint.ConfigJson;
import trl4j.checkpoint.ModelFolder;
import trl4j.checkpoint.ShardedTensors;
import trl4j.checkpoint.TensorInfo;
import trl4j.checkpoint.TensorSource;
import trl4j.model.ModelConfig;
import trl4j.model.registry.Models;
import trl4j.tokenizer.Tokenizer;

/** {@code trl4j inspect DIR}: what a model folder holds, from its config and weight headers. */
@Command(name = "inspect", mixinStandardHelpOptions = true,
        description = "Show a model folder's architecture, parameter count, dtypes, vocabulary, special tokens and head.")
final class InspectCommand implements Callable<Integer> {

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Parameters(index = "0", paramLabel = "DIR", description = "Model folder.")
    Path dir;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        ModelFolder folder = ModelFolder.open(dir);
        ConfigJson raw = folder.config();
        Models.Kind kind = Models.check(dir);
        ModelConfig config = kind.config();
        out.printf("model folder    %s%n", dir);
        out.printf("model_type      %s%n", config.modelType());
        out.printf("architectures   %s%n", String.join(", ", raw.getStrings("architectures")));
        out.printf("layers          %d%n", config.numLayers());
        out.printf("hidden size     %d%n", config.hiddenSize());
        out.printf("context         %s%n", config.maxPositions() > 0 ? config.maxPositions() + " positions" : "unbounded (relative positions)");
        try (TensorSource weights = folder.openWeights()) {
            long params = 0;
            Map<String, Long> byDtype = new TreeMap<>();
            for (String name : weights.names()) {
                TensorInfo info = weights.info(name);
                params += info.numElements();
                byDtype.merge(info.dtype().name(), info.numElements(), Long::sum);
            }
            out.printf("parameters      %,d (%s)%n", params, human(params));
            StringBuilder dtypes = new StringBuilder();
            byDtype.forEach((k, v) -> dtypes.append(dtypes.length() > 0 ? ", " : "").append(k).append(": ").append(String.format("%,d", v)));
            out.printf("dtypes          %s%n", dtypes);
            out.printf("weight files    %s%n", weights instanceof ShardedTensors s ? s.shardCount() + " shards" : "model.safetensors");
            out.printf("head            %s%n", head(raw, weights, config));
        }
        out.printf("vocab size      %d (config)%n", config.vocabSize());
        out.printf("special ids     bos=%s eos=%s pad=%s%n", config.bosTokenId(), config.eosTokenIds(), config.padTokenId());
        if (folder.hasTokenizer()) {
            try (Tokenizer tokenizer = Tokenizer.load(dir)) {
                var st = tokenizer.specialTokens();
                out.printf("tokenizer       %d ids; bos=%s eos=%s pad=%s unk=%s%n", tokenizer.vocabSize(),
                        token(st.bos(), tokenizer), token(st.eos(), tokenizer), token(st.pad(), tokenizer), token(st.unk(), tokenizer));
            }
        } else {
            out.println("tokenizer       none in this folder");
        }
        out.flush();
        return 0;
    }

    private static String head(ConfigJson raw, TensorSource weights, ModelConfig config) {
        if (weights.names().contains("score.weight")) {
            long[] shape = weights.info("score.weight").shape();
            return "sequence-classification score.weight " + java.util.Arrays.toString(shape)
                    + " (num_labels " + shape[0] + ", score at the last non-pad token)";
        }
        if (config.tieWordEmbeddings()) {
            return "language-model head tied to the input embedding";
        }
        return "language-model head (untied lm_head.weight)";
    }

    private static String token(String text, Tokenizer tokenizer) {
        if (text == null) {
            return "-";
        }
        return "'" + text + "' (" + tokenizer.tokenId(text) + ")";
    }

    private static String human(long n) {
        if (n >= 1_000_000_000L) {
            return String.format("%.2fB", n / 1e9);
        }
        if (n >= 1_000_000L) {
            return String.format("%.2fM", n / 1e6);
        }
        return String.format("%.1fK", n / 1e3);
    }
}
