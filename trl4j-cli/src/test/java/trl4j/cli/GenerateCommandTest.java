package trl4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code trl4j generate} prints exactly what transformers generated for gpt2-text. */
class GenerateCommandTest {

    static final Path MODEL = CliRun.golden("models/gpt2-text");

    static List<JsonNode> cases() throws Exception {
        ObjectMapper json = new ObjectMapper();
        List<JsonNode> out = new ArrayList<>();
        for (String line : Files.readAllLines(MODEL.resolve("cases.jsonl"))) {
            JsonNode n = json.readTree(line);
            if (n.has("prompt")) {
                out.add(n);
            }
        }
        return out;
    }

    @Test
    void printsTheRecordedContinuationOfEveryCase() throws Exception {
        List<JsonNode> cases = cases();
        assertEquals(12, cases.size());
        for (JsonNode c : cases) {
            CliRun run = CliRun.of("generate", "--model", MODEL.toString(), "--prompt", c.get("prompt").asText());
            assertEquals(0, run.exitCode(), run.err());
            assertEquals(c.get("new_text").asText() + "\n", run.out(), c.get("name").asText());
        }
    }

    @Test
    void promptsFileGivesOneJsonLinePerPromptInOrder(@TempDir Path tmp) throws Exception {
        List<JsonNode> cases = cases();
        List<String> prompts = new ArrayList<>();
        for (JsonNode c : cases.subList(0, 4)) {
            if (!c.get("prompt").asText().contains("\n")) {
                prompts.add(c.get("prompt").asText());
            }
        }
        Path file = tmp.resolve("prompts.txt");
        Files.write(file, prompts);
        CliRun run = CliRun.of("generate", "--model", MODEL.toString(), "--prompts-file", file.toString(), "--batch-size", "3");
        assertEquals(0, run.exitCode(), run.err());
        String[] lines = run.out().strip().split("\n");
        assertEquals(prompts.size(), lines.length);
        ObjectMapper json = new ObjectMapper();
        for (int i = 0; i < lines.length; i++) {
            JsonNode got = json.readTree(lines[i]);
            assertEquals(prompts.get(i), got.get("prompt").asText());
            String want = cases.stream().filter(c -> c.get("prompt").asText().equals(got.get("prompt").asText()))
                    .findFirst().orElseThrow().get("new_text").asText();
            assertEquals(want, got.get("completion").asText());
        }
    }

    @Test
    void samplingIsReproducibleFromASeed() {
        String[] args = {"generate", "--model", MODEL.toString(), "--prompt", "Hello there", "--temperature", "0.8",
            "--top-p", "0.9", "--seed", "7", "--max-new-tokens", "12"};
        CliRun a = CliRun.of(args);
        CliRun b = CliRun.of(args);
        assertEquals(0, a.exitCode(), a.err());
        assertEquals(a.out(), b.out());
        assertTrue(!a.out().isBlank());
    }
}
