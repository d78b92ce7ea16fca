package trl4j.data;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Each schema's fixture (made-up text, the datasets' real field layout) reads to the hand-written
 * expected rows in every container (JSONL, JSON, CSV, TSV, Parquet) and compression (none, gz, xz, zst),
 * with the schema detected from the fields.
 */
class SchemaFixturesTest {

    @TempDir
    static Path dir;

    /** fixture, expected schema, options. */
    record Fixture(String name, Schema schema, ReadOptions options) {
        @Override
        public String toString() {
            return name;
        }
    }

    static final List<Fixture> FIXTURES = List.of(
            new Fixture("trl-prompt-completion", Schema.PROMPT_COMPLETION, ReadOptions.defaults()),
            new Fixture("carperai-tldr", Schema.PROMPT_LABEL, ReadOptions.defaults()),
            new Fixture("trl-preference", Schema.PREFERENCE, ReadOptions.defaults()),
            new Fixture("carperai-comparisons", Schema.PREFERENCE, ReadOptions.defaults()),
            new Fixture("summarize-from-feedback", Schema.SUMMARIZE_FROM_FEEDBACK, ReadOptions.defaults()),
            new Fixture("scitldr", Schema.SCITLDR, ReadOptions.defaults()),
            new Fixture("custom-fields", Schema.FIELDS,
                    ReadOptions.defaults().withFields(FieldMapping.pairs("article", "highlights"))));

    static Stream<Arguments> variants() {
        List<Arguments> out = new ArrayList<>();
        for (Fixture f : FIXTURES) {
            for (Container c : Container.values()) {
                for (Compression z : Compression.values()) {
                    out.add(Arguments.of(f, c, z));
                }
            }
        }
        return out.stream();
    }

    @ParameterizedTest(name = "{0} as {1}/{2}")
    @MethodSource("variants")
    void fixtureReadsToExpectedRows(Fixture f, Container container, Compression compression) throws IOException {
        Path variantDir = java.nio.file.Files.createDirectories(dir.resolve(f.name() + "-" + container + "-" + compression));
        Path file = FixtureFiles.write(FixtureFiles.resource("schemas/" + f.name() + ".jsonl"), container, compression, variantDir);
        assertEquals(container, Container.of(file));
        List<ObjectNode> expected = FixtureFiles.readJsonl(FixtureFiles.resource("schemas/" + f.name() + ".expected.jsonl"));
        List<ObjectNode> got = new ArrayList<>();
        ReadSummary summary;
        if (expected.get(0).has("chosen")) {
            Datasets.Loaded<Comparison> loaded = Datasets.loadComparisons(file, f.options());
            loaded.rows().forEach(c -> {
                ObjectNode row = FixtureFiles.JSON.valueToTree(c);
                if (c.margin() == null) {
                    row.remove("margin"); // the fixtures carry no margin column
                }
                got.add(row);
            });
            summary = loaded.summary();
        } else {
            Datasets.Loaded<PromptCompletion> loaded = Datasets.loadPairs(file, f.options());
            loaded.rows().forEach(p -> got.add(FixtureFiles.JSON.valueToTree(p)));
            summary = loaded.summary();
        }
        assertEquals(expected, got);
        assertEquals(f.schema(), summary.schema());
        assertEquals(0, summary.skipped(), summary.line());
        assertEquals(FixtureFiles.readJsonl(FixtureFiles.resource("schemas/" + f.name() + ".jsonl")).size(), summary.read());
    }

    @Test
    void sciTldrReferencesKeepEveryTarget() throws IOException {
        List<ObjectNode> expected = FixtureFiles.readJsonl(FixtureFiles.resource("schemas/scitldr.expected-references.jsonl"));
        List<ObjectNode> got = new ArrayList<>();
        Datasets.loadReferences(FixtureFiles.resource("schemas/scitldr.jsonl"), ReadOptions.defaults())
                .rows().forEach(r -> got.add(FixtureFiles.JSON.valueToTree(r)));
        assertEquals(expected, got);
    }

    @Test
    void sciTldrFirstTargetOnly() {
        var loaded = Datasets.loadPairs(FixtureFiles.resource("schemas/scitldr.jsonl"),
                ReadOptions.defaults().withAllTargets(false));
        assertEquals(2, loaded.rows().size());
        assertEquals(" Sparse attention halves memory with little accuracy loss.", loaded.rows().get(0).completion());
        assertEquals("scitldr.jsonl: 2 rows read, 2 kept, 0 skipped", Path.of(loaded.summary().file()).getFileName()
                + loaded.summary().line().substring(loaded.summary().file().length()));
    }
}
