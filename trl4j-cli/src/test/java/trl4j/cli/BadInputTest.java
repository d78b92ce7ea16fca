package trl4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every bad input gives one line on stderr naming the problem, a non-zero exit and no stack trace. */
class BadInputTest {

    static final Path TEXT_MODEL = CliRun.golden("models/gpt2-text");
    static final Path TINY_MODEL = CliRun.golden("models/gpt2");

    private static CliRun generate(Path model, String prompt) {
        return CliRun.of("generate", "--model", model.toString(), "--prompt", prompt);
    }

    private static void assertOneLineError(CliRun run, String... mustContain) {
        assertNotEquals(0, run.exitCode(), "exit code");
        String[] lines = run.errLines();
        assertEquals(1, lines.length, "exactly one line on stderr, got:\n" + run.err());
        assertTrue(lines[0].startsWith("trl4j: error: "), lines[0]);
        for (String s : mustContain) {
            assertTrue(lines[0].contains(s), "'" + lines[0] + "' should mention '" + s + "'");
        }
        assertFalse(run.err().contains("\tat "), "no stack trace");
    }

    /** A copy of a model folder (weights copied, so tests can corrupt them). */
    private static Path copyModel(Path from, Path to) throws IOException {
        Files.createDirectories(to);
        try (var files = Files.list(from)) {
            for (Path f : files.toList()) {
                Files.copy(f, to.resolve(f.getFileName()), StandardCopyOption.REPLACE_EXISTING);
            }
        }
        return to;
    }

    @Test
    void missingModelFolder(@TempDir Path tmp) {
        assertOneLineError(generate(tmp.resolve("nope"), "Hello"), "nope", "does not exist");
    }

    @Test
    void folderWithoutConfig(@TempDir Path tmp) {
        assertOneLineError(generate(tmp, "Hello"), "no config.json");
    }

    @Test
    void corruptSafetensorsHeader(@TempDir Path tmp) throws IOException {
        Path dir = copyModel(TEXT_MODEL, tmp.resolve("m"));
        byte[] bytes = Files.readAllBytes(dir.resolve("model.safetensors"));
        for (int i = 8; i < 40; i++) {
            bytes[i] = 'x'; // the JSON header becomes garbage
        }
        Files.write(dir.resolve("model.safetensors"), bytes);
        assertOneLineError(generate(dir, "Hello"), "model.safetensors", "JSON");
    }

    @Test
    void truncatedSafetensors(@TempDir Path tmp) throws IOException {
        Path dir = copyModel(TEXT_MODEL, tmp.resolve("m"));
        byte[] bytes = Files.readAllBytes(dir.resolve("model.safetensors"));
        Files.write(dir.resolve("model.safetensors"), java.util.Arrays.copyOf(bytes, bytes.length / 2));
        assertOneLineError(generate(dir, "Hello"), "model.safetensors", "truncated");
    }

    @Test
    void shapeMismatch(@TempDir Path tmp) throws IOException {
        Path dir = copyModel(TINY_MODEL, tmp.resolve("m"));
        String config = Files.readString(dir.resolve("config.json")).replace("\"n_positions\": 64", "\"n_positions\": 128");
        Files.writeString(dir.resolve("config.json"), config);
        assertOneLineError(CliRun.of("inspect", dir.toString()), "transformer.wpe.weight", "[64, 32]", "[128, 32]");
        Files.copy(TEXT_MODEL.resolve("tokenizer.json"), dir.resolve("tokenizer.json"));
        assertOneLineError(generate(dir, "Hello"), "transformer.wpe.weight", "shape");
    }

    @Test
    void unknownModelType(@TempDir Path tmp) throws IOException {
        Path dir = copyModel(TINY_MODEL, tmp.resolve("m"));
        Files.writeString(dir.resolve("config.json"), Files.readString(dir.resolve("config.json")).replace("\"gpt2\"", "\"mamba\""));
        assertOneLineError(generate(dir, "Hello"), "unknown model_type 'mamba'");
    }

    @Test
    void unsupportedConfigOption(@TempDir Path tmp) throws IOException {
        Path dir = copyModel(TINY_MODEL, tmp.resolve("m"));
        Files.writeString(dir.resolve("config.json"), Files.readString(dir.resolve("config.json"))
                .replace("\"scale_attn_by_inverse_layer_idx\": false", "\"scale_attn_by_inverse_layer_idx\": true"));
        assertOneLineError(CliRun.of("inspect", dir.toString()), "scale_attn_by_inverse_layer_idx");
    }

    @Test
    void emptyPrompt() {
        assertOneLineError(generate(TEXT_MODEL, ""), "empty");
    }

    @Test
    void promptLongerThanTheContext() {
        assertOneLineError(generate(TEXT_MODEL, "word ".repeat(300)), "context");
    }

    @Test
    void debugPrintsTheStackTrace(@TempDir Path tmp) {
        CliRun run = CliRun.of("--debug", "generate", "--model", tmp.resolve("nope").toString(), "--prompt", "x");
        assertNotEquals(0, run.exitCode());
        assertTrue(run.err().contains("\tat "), run.err());
        CliRun sub = CliRun.of("generate", "--debug", "--model", tmp.resolve("nope").toString(), "--prompt", "x");
        assertTrue(sub.err().contains("\tat "), sub.err());
    }

    @Test
    void unknownOptionIsAUsageError() {
        CliRun run = CliRun.of("generate", "--model", TEXT_MODEL.toString(), "--prompt", "x", "--bogus");
        assertNotEquals(0, run.exitCode());
        assertTrue(run.err().contains("--bogus"));
    }
}
