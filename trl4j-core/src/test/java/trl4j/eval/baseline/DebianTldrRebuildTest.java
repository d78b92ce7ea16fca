package trl4j.eval.baseline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import trl4j.data.Comparison;
import trl4j.data.PromptCompletion;
import trl4j.data.debian.BuildStats;
import trl4j.data.debian.DebianTldr;
import trl4j.data.debian.DebianTldrBuilder;
import trl4j.data.debian.NegativeKind;

/**
 * {@code build-debian} from {@code ../shared} reproduces the committed {@code data/debian-tldr} byte for
 * byte (datasheet included), and the committed files keep the dataset's rules: lengths, no repeated
 * documents, split = f(group), no group in two splits, comparisons aligned with rows.
 */
class DebianTldrRebuildTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path out;
    static Path committed;
    static DebianTldrRelease.Result rebuilt;

    @BeforeAll
    static void rebuild() throws IOException {
        String shared = System.getProperty("trl4j.shared");
        Path source = Path.of(shared == null ? "../../shared" : shared).resolve(DebianTldr.SOURCE_IN_SHARED);
        if (!Files.isRegularFile(source)) {
            fail(source + " is missing: the raw Debian index lives in ../shared/data (never committed)");
        }
        committed = DebianTldr.locate(Path.of(System.getProperty("basedir", "")));
        rebuilt = DebianTldrRelease.build(source, out);
    }

    @Test
    void rebuildIsByteIdenticalToTheCommittedFiles() throws IOException {
        List<String> names;
        try (Stream<Path> s = Files.list(committed)) {
            names = s.map(p -> p.getFileName().toString()).sorted().toList();
        }
        try (Stream<Path> s = Files.list(out)) {
            assertEquals(names, s.map(p -> p.getFileName().toString()).sorted().toList());
        }
        assertEquals(7, names.size());
        for (String name : names) {
            byte[] want = Files.readAllBytes(committed.resolve(name));
            byte[] got = Files.readAllBytes(out.resolve(name));
            if (!Arrays.equals(want, got)) {
                fail(name + " differs from the committed file (" + got.length + " vs " + want.length + " bytes)"
                        + (name.endsWith(".gz") ? "; content equal: " + Arrays.equals(gunzip(want), gunzip(got)) : ""));
            }
        }
    }

    @Test
    void committedRowsKeepTheDatasetRules() throws IOException {
        Map<String, String> splitOfGroup = new HashMap<>();
        Set<String> documents = new HashSet<>();
        Map<String, String> groupOfId = new HashMap<>();
        BuildStats stats = rebuilt.build().stats();
        long total = 0;
        for (String split : DebianTldr.SPLITS) {
            List<JsonNode> rows = jsonl(DebianTldr.split(committed, split));
            List<JsonNode> comparisons = jsonl(DebianTldr.comparisonsFile(committed, split));
            assertEquals(stats.splits().get(split).rows(), rows.size(), split);
            assertEquals(rows.size(), comparisons.size(), split);
            total += rows.size();
            for (int i = 0; i < rows.size(); i++) {
                JsonNode r = rows.get(i);
                String group = r.get("group").asText();
                groupOfId.put(r.get("id").asText(), group);
                assertEquals(split, DebianTldrBuilder.splitOf(group), r.get("id").asText());
                String previous = splitOfGroup.putIfAbsent(group, split);
                assertTrue(previous == null || previous.equals(split), "group " + group + " in " + previous + " and " + split);
                assertTrue(documents.add(r.get("document").asText()), "repeated document " + r.get("id"));
                int docWords = r.get("document").asText().split("\\s+").length;
                int synWords = r.get("summary").asText().split("\\s+").length;
                assertTrue(docWords >= 30 && docWords <= 300, r.get("id") + ": " + docWords + " document words");
                assertTrue(synWords >= 2 && synWords <= 20, r.get("id") + ": " + synWords + " synopsis words");
                JsonNode c = comparisons.get(i);
                assertEquals(r.get("id"), c.get("id"));
                assertEquals(r.get("document"), c.get("prompt"));
                assertEquals(r.get("summary"), c.get("chosen"));
                assertNotEquals(c.get("chosen").asText().toLowerCase(), c.get("rejected").asText().toLowerCase());
                assertTrue(Arrays.stream(NegativeKind.values()).anyMatch(k -> k.key().equals(c.get("kind").asText())));
            }
        }
        assertEquals(stats.rows(), total);
        assertEquals(stats.groups(), splitOfGroup.size());
        // 0ad, 0ad-data and 0ad-data-common share their first paragraph: one group.
        assertEquals(groupOfId.get("0ad"), groupOfId.get("0ad-data"));
        assertEquals(groupOfId.get("0ad"), groupOfId.get("0ad-data-common"));
    }

    @Test
    void libraryLoadersGiveTldrPairsAndComparisons() {
        List<PromptCompletion> test = DebianTldr.pairs(committed, "test");
        assertEquals(rebuilt.build().splits().get("test").size(), test.size());
        var first = rebuilt.build().splits().get("test").get(0);
        assertEquals(new PromptCompletion(first.document() + "\nTL;DR:", " " + first.summary()), test.get(0));
        List<Comparison> comparisons = DebianTldr.comparisons(committed, "validation");
        assertEquals(rebuilt.build().splits().get("validation").size(), comparisons.size());
        assertTrue(comparisons.get(0).prompt().endsWith("\nTL;DR:"));
        assertTrue(comparisons.get(0).chosen().startsWith(" "));
        assertEquals(NegativeKind.RELATED_SYNOPSIS.key(), comparisons.get(0).kind());
        assertEquals(List.of(first.summary()), DebianTldr.references(committed, "test").get(0).references());
    }

    private static List<JsonNode> jsonl(Path gz) throws IOException {
        List<JsonNode> out = new ArrayList<>();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(new GZIPInputStream(Files.newInputStream(gz)),
                StandardCharsets.UTF_8))) {
            for (String line = r.readLine(); line != null; line = r.readLine()) {
                out.add(JSON.readTree(line));
            }
        }
        return out;
    }

    private static byte[] gunzip(byte[] gz) throws IOException {
        try (GZIPInputStream in = new GZIPInputStream(new java.io.ByteArrayInputStream(gz))) {
            return in.readAllBytes();
        }
    }
}
