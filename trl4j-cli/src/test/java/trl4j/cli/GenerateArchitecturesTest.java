package trl4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import trl4j.generate.GenerationConfig;
import trl4j.generate.Generator;
import trl4j.model.LanguageModel;
import trl4j.model.ModelWriter;
import trl4j.model.Seq2SeqLm;
import trl4j.model.registry.Models;
import trl4j.tokenizer.Tokenizer;

/**
 * {@code generate} and {@code inspect} on T5, Llama and Qwen2 folders: small random models over the
 * GPT-2 vocabulary (no real tokenizer of those families is available offline), saved with the GPT-2
 * tokenizer; the command's output equals the library's generation decoded.
 */
class GenerateArchitecturesTest {

    static final Path TOKENIZER = CliRun.golden("models/gpt2-text");

    static String config(String type) {
        return switch (type) {
            case "t5" -> """
                {"model_type": "t5", "architectures": ["T5ForConditionalGeneration"], "vocab_size": 50257, "d_model": 16,
                 "d_kv": 4, "d_ff": 32, "num_layers": 2, "num_heads": 4, "feed_forward_proj": "gated-gelu",
                 "tie_word_embeddings": false, "pad_token_id": 0, "eos_token_id": 50256, "decoder_start_token_id": 0}""";
            case "llama" -> """
                {"model_type": "llama", "architectures": ["LlamaForCausalLM"], "vocab_size": 50257, "hidden_size": 16,
                 "intermediate_size": 32, "num_hidden_layers": 2, "num_attention_heads": 4, "num_key_value_heads": 2,
                 "max_position_embeddings": 128, "bos_token_id": 50256, "eos_token_id": 50256}""";
            case "qwen2" -> """
                {"model_type": "qwen2", "architectures": ["Qwen2ForCausalLM"], "vocab_size": 50257, "hidden_size": 16,
                 "intermediate_size": 32, "num_hidden_layers": 2, "num_attention_heads": 4, "num_key_value_heads": 2,
                 "max_position_embeddings": 128, "bos_token_id": 50256, "eos_token_id": 50256, "use_sliding_window": false}""";
            default -> throw new IllegalArgumentException(type);
        };
    }

    @ParameterizedTest
    @ValueSource(strings = {"t5", "llama", "qwen2"})
    void generateAndInspectWork(String type, @TempDir Path tmp) throws Exception {
        Path spec = tmp.resolve("spec");
        Files.createDirectories(spec);
        Files.writeString(spec.resolve("config.json"), config(type));
        Path dir = tmp.resolve("model");
        String prompt = "Debian is a free operating system";
        String expected;
        try (NDManager manager = NDManager.newBaseManager();
                LanguageModel model = Models.initialize(Models.readConfig(spec), manager, 11);
                Tokenizer tokenizer = Tokenizer.load(TOKENIZER)) {
            ModelWriter.save(model, dir, TOKENIZER);
            long[] ids = tokenizer.encode(prompt, model instanceof Seq2SeqLm);
            var out = Generator.generate(model, List.of(ids), GenerationConfig.greedy(model.config(), 10));
            long[] response = out.response(0);
            if (out.finished()[0]) {
                response = java.util.Arrays.copyOf(response, response.length - 1);
            }
            expected = tokenizer.decode(response, false);
        }
        CliRun run = CliRun.of("generate", "--model", dir.toString(), "--prompt", prompt, "--max-new-tokens", "10");
        assertEquals(0, run.exitCode(), run.err());
        assertEquals(expected + "\n", run.out());
        CliRun inspect = CliRun.of("inspect", dir.toString());
        assertEquals(0, inspect.exitCode(), inspect.err());
        assertTrue(inspect.out().contains("model_type      " + type), inspect.out());
    }
}
