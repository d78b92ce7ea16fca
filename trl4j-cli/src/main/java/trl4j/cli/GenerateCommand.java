package trl4j.cli;

import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import trl4j.checkpoint.ModelFolder;
import trl4j.generate.GenerationConfig;
import trl4j.generate.GenerationOutput;
import trl4j.generate.Generator;
import trl4j.model.LanguageModel;
import trl4j.model.registry.Models;
import trl4j.tokenizer.Tokenizer;

/** {@code trl4j generate}: continue prompts with any model folder trl4j loads. */
@Command(name = "generate", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Generate text from a Hugging Face model folder (greedy by default).",
            "Decoder-only models continue the prompt; encoder-decoder models (T5) read it and write the output."})
final class GenerateCommand implements Callable<Integer> {

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Option(names = "--model", required = true, description = "Model folder (config.json, model.safetensors, tokenizer.json).")
    Path model;

    @Option(names = "--tokenizer", description = "Tokenizer folder, if not the model folder.")
    Path tokenizerDir;

    @Option(names = "--prompt", description = "The prompt text.")
    String prompt;

    @Option(names = "--prompts-file", description = "A file with one prompt per line; prints one JSON object per prompt.")
    Path promptsFile;

    @Option(names = "--max-new-tokens", description = "Tokens to generate at most (default: generation_config.json, else 24).")
    Integer maxNewTokens;

    @Option(names = "--do-sample", description = "Sample instead of greedy decoding (implied by --temperature/--top-k/--top-p).")
    boolean doSample;

    @Option(names = "--temperature", description = "Sampling temperature.")
    Double temperature;

    @Option(names = "--top-k", description = "Sample among the k most likely tokens (0 = all; default 50 as transformers).")
    Integer topK;

    @Option(names = "--top-p", description = "Nucleus sampling threshold.")
    Double topP;

    @Option(names = "--repetition-penalty", description = "CTRL's penalty on tokens already in the row (default: generation_config.json, else 1).")
    Double repetitionPenalty;

    @Option(names = "--encoder-repetition-penalty",
            description = "Above 1 favours tokens of the prompt (transformers' encoder_repetition_penalty; default: generation_config.json, else 1).")
    Double encoderRepetitionPenalty;

    @Option(names = "--seed", defaultValue = "0", description = "Sampling seed (default ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--batch-size", defaultValue = "8", description = "Prompts per batch with --prompts-file (default ${DEFAULT-VALUE}).")
    int batchSize;

    @Override
    public Integer call() throws IOException {
        if ((prompt == null) == (promptsFile == null)) {
            throw new IllegalArgumentException("give exactly one of --prompt TEXT or --prompts-file FILE");
        }
        List<String> prompts = prompt != null ? List.of(prompt) : readPrompts(promptsFile);
        for (int i = 0; i < prompts.size(); i++) {
            if (prompts.get(i).isEmpty()) {
                throw new IllegalArgumentException(prompt != null ? "the prompt is empty"
                        : promptsFile + ":" + (i + 1) + ": empty prompt");
            }
        }
        if (batchSize < 1) {
            throw new IllegalArgumentException("--batch-size must be ≥ 1");
        }
        PrintWriter out = spec.commandLine().getOut();
        try (NDManager manager = NDManager.newBaseManager();
                LanguageModel lm = Models.load(model, manager);
                Tokenizer tokenizer = Tokenizer.load(tokenizerDir != null ? tokenizerDir : model)) {
            GenerationConfig config = generationConfig(lm);
            ObjectMapper json = new ObjectMapper();
            for (int start = 0; start < prompts.size(); start += batchSize) {
                List<String> batch = prompts.subList(start, Math.min(prompts.size(), start + batchSize));
                List<long[]> ids = new ArrayList<>();
                for (String p : batch) {
                    // As tokenizer(prompt) in transformers: with its template's special tokens (Llama's <s>, T5's </s>).
                    ids.add(tokenizer.encode(p, true));
                }
                GenerationOutput result = Generator.generate(lm, ids, config);
                for (int i = 0; i < batch.size(); i++) {
                    String text = tokenizer.decode(withoutFinalEos(result.response(i), result.finished()[i]), false);
                    if (promptsFile == null) {
                        out.println(text);
                    } else {
                        out.println(json.writeValueAsString(java.util.Map.of("prompt", batch.get(i), "completion", text)));
                    }
                }
            }
            out.flush();
        }
        return 0;
    }

    private GenerationConfig generationConfig(LanguageModel lm) {
        GenerationConfig config = GenerationConfig.fromModel(lm.config(), ModelFolder.open(model).generationConfig().orElse(null));
        if (maxNewTokens != null) {
            config = config.withMaxNewTokens(maxNewTokens);
        }
        if (repetitionPenalty != null) {
            config = config.withRepetitionPenalty(repetitionPenalty);
        }
        if (encoderRepetitionPenalty != null) {
            config = config.withEncoderRepetitionPenalty(encoderRepetitionPenalty);
        }
        boolean sample = doSample || temperature != null || topK != null || topP != null || config.doSample();
        if (sample) {
            config = config.withSampling(true,
                    temperature != null ? temperature : config.temperature(),
                    topK != null ? topK : config.topK(),
                    topP != null ? topP : config.topP());
        }
        return config.withSeed(seed);
    }

    /** The EOS that ended a row is not printed (its text is a special token, not output). */
    private static long[] withoutFinalEos(long[] response, boolean finished) {
        return finished && response.length > 0 ? Arrays.copyOf(response, response.length - 1) : response;
    }

    private static List<String> readPrompts(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException(file + ": no such file");
        }
        List<String> lines = Files.readAllLines(file);
        if (lines.isEmpty()) {
            throw new IllegalArgumentException(file + ": no prompts");
        }
        return lines;
    }
}
