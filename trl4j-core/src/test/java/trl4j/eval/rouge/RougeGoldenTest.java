package trl4j.eval.rouge;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import trl4j.testing.Golden;

/**
 * Every case of {@code ../shared/golden/rouge} (Google's rouge_score with NLTK's stemmer): tokens,
 * 88 cases × 2 modes × 4 types, the multi-reference cases, the aggregate and the 593 Porter stems.
 */
class RougeGoldenTest {

    /**
     * The README allows 1e-12; evaluating hits/count and F1 in rouge_score's order gives the same
     * doubles, so we demand bit equality.
     */
    private static final double TOL = 0.0;
    private static final ObjectMapper JSON = new ObjectMapper();

    static List<JsonNode> lines(String file) throws IOException {
        List<JsonNode> out = new ArrayList<>();
        for (String line : Files.readAllLines(Golden.path("rouge/" + file))) {
            if (!line.isBlank()) {
                out.add(JSON.readTree(line));
            }
        }
        return out;
    }

    static Stream<JsonNode> cases() throws IOException {
        return lines("cases.jsonl").stream();
    }

    static Stream<JsonNode> multiCases() throws IOException {
        return lines("multi_ref_cases.jsonl").stream();
    }

    @Test
    void goldenFileSizes() throws IOException {
        assertEquals(88, lines("cases.jsonl").size());
        assertEquals(6, lines("multi_ref_cases.jsonl").size());
        assertEquals(593, lines("porter_stems.jsonl").size());
    }

    @Test
    void porterStemsEqualNltk() throws IOException {
        for (JsonNode c : lines("porter_stems.jsonl")) {
            String word = c.get("word").asText();
            assertEquals(c.get("nltk_stem").asText(), PorterStemmer.stem(word), "stem of " + word);
            assertEquals(List.of(c.get("rouge_token").asText()), RougeTokenizer.tokenize(word, true), "token of " + word);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void tokensEqualRougeScore(JsonNode c) {
        for (String mode : List.of("use_stemmer", "no_stemmer")) {
            boolean stem = mode.equals("use_stemmer");
            JsonNode want = c.get("tokens").get(mode);
            assertEquals(strings(want.get("prediction")), RougeTokenizer.tokenize(c.get("prediction").asText(), stem));
            assertEquals(strings(want.get("reference")), RougeTokenizer.tokenize(c.get("reference").asText(), stem));
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void scoresEqualRougeScore(JsonNode c) {
        for (String mode : List.of("use_stemmer", "no_stemmer")) {
            RougeScorer scorer = new RougeScorer(mode.equals("use_stemmer"));
            Map<RougeType, Score> got = scorer.score(c.get("reference").asText(), c.get("prediction").asText());
            assertScores(c.get("id").asText() + "/" + mode, c.get("scores").get(mode), got);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("multiCases")
    void scoreMultiEqualsRougeScore(JsonNode c) {
        for (String mode : List.of("use_stemmer", "no_stemmer")) {
            RougeScorer scorer = new RougeScorer(mode.equals("use_stemmer"));
            Map<RougeType, Score> got = scorer.scoreMulti(strings(c.get("references")), c.get("prediction").asText());
            assertScores(c.get("id").asText() + "/" + mode, c.get("scores").get(mode), got);
        }
    }

    @Test
    void aggregateIsTheMeanInFileOrder() throws IOException {
        JsonNode agg = JSON.readTree(Golden.path("rouge/aggregate.json").toFile());
        for (String mode : List.of("use_stemmer", "no_stemmer")) {
            RougeScorer scorer = new RougeScorer(mode.equals("use_stemmer"));
            RougeMean mean = new RougeMean();
            for (JsonNode c : lines("cases.jsonl")) {
                mean.add(scorer.score(c.get("reference").asText(), c.get("prediction").asText()));
            }
            assertEquals(agg.get("n_cases").asInt(), mean.count());
            assertScores("mean/" + mode, agg.get("mean").get(mode), mean.mean());
        }
    }

    @Test
    void rougeLsumTieBreakFollowsRougeScoreBacktrack() {
        // lsum_tiebreak_a of the README: a leftmost LCS would give 1 hit, rouge_score gives 2.
        Score s = new RougeScorer(List.of(RougeType.ROUGE_LSUM), false).score("fast parser", "parser fast\nparser")
                .get(RougeType.ROUGE_LSUM);
        assertEquals(2.0 / 3.0, s.precision());
        assertEquals(1.0, s.recall());
    }

    private static void assertScores(String what, JsonNode want, Map<RougeType, Score> got) {
        assertEquals(4, got.size(), what);
        for (RougeType type : RougeType.values()) {
            JsonNode w = want.get(type.key());
            Score g = got.get(type);
            assertEquals(w.get("precision").asDouble(), g.precision(), TOL, what + " " + type.key() + " precision");
            assertEquals(w.get("recall").asDouble(), g.recall(), TOL, what + " " + type.key() + " recall");
            assertEquals(w.get("fmeasure").asDouble(), g.fmeasure(), TOL, what + " " + type.key() + " fmeasure");
        }
    }

    private static List<String> strings(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }
}
