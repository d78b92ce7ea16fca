package trl4j.tokenizer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import trl4j.testing.Golden;

/** The 74 GPT-2 tokenizer cases of {@code ../shared/golden/tokenizer/gpt2}: ids and decoded text exact. */
class Gpt2TokenizerGoldenTest {

    static Tokenizer tokenizer;

    @BeforeAll
    static void load() {
        // gpt2-text's tokenizer.json is byte-identical to golden/tokenizer/gpt2/tokenizer.json.
        tokenizer = Tokenizer.load(Golden.model("gpt2-text"));
    }

    @AfterAll
    static void close() {
        tokenizer.close();
    }

    static Stream<JsonNode> cases() throws Exception {
        ObjectMapper json = new ObjectMapper();
        List<JsonNode> out = new ArrayList<>();
        for (String line : Files.readAllLines(Golden.path("tokenizer/gpt2/cases.jsonl"))) {
            if (!line.isBlank()) {
                out.add(json.readTree(line));
            }
        }
        return out.stream();
    }

    @Test
    void allSeventyFourCasesArePresent() throws Exception {
        assertEquals(74, cases().count());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void idsAndDecodeMatch(JsonNode c) {
        JsonNode expectedIds = c.has("hf_ids") ? c.get("hf_ids") : c.get("ids");
        long[] want = new long[expectedIds.size()];
        for (int i = 0; i < want.length; i++) {
            want[i] = expectedIds.get(i).asLong();
        }
        String text = c.get("text").asText();
        long[] got = tokenizer.encode(text);
        assertArrayEquals(want, got, c.get("name").asText());
        assertEquals(text, tokenizer.decode(got, false), c.get("name").asText());
    }

    @Test
    void noTruncationAt512() {
        String text = "word" + " word".repeat(1499);
        assertEquals(1500, tokenizer.encode(text).length);
    }

    @Test
    void specialTokensFromTokenizerConfig() {
        assertEquals(50256, tokenizer.eosId());
        assertEquals(50256, tokenizer.bosId());
        assertEquals(50257, tokenizer.vocabSize());
    }
}
