package trl4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tukaani.xz.LZMA2Options;
import org.tukaani.xz.XZOutputStream;

class DataCommandTest {

    @TempDir
    Path dir;

    @Test
    void inspectShowsFormatCountsLengthsAndExamples() throws IOException {
        Path file = dir.resolve("prefs.jsonl");
        Files.writeString(file, "{\"prompt\": \"Post.\\n\", \"chosen\": \"TL;DR: good\", \"rejected\": \"TL;DR: bad one\"}\n"
                + "{\"prompt\": \"Other post.\", \"chosen\": \"TL;DR: fine\"}\n");
        CliRun r = CliRun.of("data", "inspect", file.toString());
        assertEquals(0, r.exitCode(), r.err());
        assertTrue(r.out().contains("format:   preference (comparisons)"), r.out());
        assertTrue(r.out().contains("rows:     2 rows read, 1 kept, 1 skipped (1 missing field)"), r.out());
        assertTrue(r.out().contains("  bad:    " + file + ":2: missing field: no 'rejected'"), r.out());
        assertTrue(r.out().contains("  prompt: \"Post.\\nTL;DR:\""), r.out());
        assertTrue(r.out().contains("  chosen: \" good\""), r.out());
    }

    @Test
    void failPolicyExitsOneWithOneLineNamingTheLine() throws IOException {
        Path file = dir.resolve("pairs.jsonl");
        Files.writeString(file, "{\"prompt\": \"a\", \"completion\": \"b\"}\n{\"prompt\": \"c\"}\n");
        CliRun r = CliRun.of("data", "inspect", file.toString(), "--on-bad-row", "fail");
        assertEquals(1, r.exitCode());
        assertEquals("trl4j: error: " + file + ":2: missing field: no 'completion' (bad-row policy: fail)\n", r.err());
    }

    @Test
    void userErrorsAreOneLine() {
        CliRun missing = CliRun.of("data", "inspect", dir.resolve("nope.jsonl").toString());
        assertEquals(1, missing.exitCode());
        assertEquals("trl4j: error: " + dir.resolve("nope.jsonl") + ": no such file\n", missing.err());
        CliRun format = CliRun.of("data", "inspect", dir.resolve("nope.jsonl").toString(), "--format", "alpaca");
        assertEquals(1, format.exitCode());
        assertTrue(format.err().startsWith("trl4j: error: unknown format 'alpaca' (expected one of"), format.err());
        assertEquals(1, format.err().lines().count());
    }

    @Test
    void explicitFieldNamesReadAnyLayout() throws IOException {
        Path file = dir.resolve("news.csv");
        Files.writeString(file, "article,highlights\n\"Long, long text.\",Short\n");
        CliRun r = CliRun.of("data", "inspect", file.toString(), "--prompt-field", "article", "--completion-field", "highlights");
        assertEquals(0, r.exitCode(), r.err());
        assertTrue(r.out().contains("format:   fields (prompt/completion pairs)"), r.out());
        assertTrue(r.out().contains("  completion: \"Short\""), r.out());
    }

    @Test
    void buildDebianFromASmallIndex() throws IOException {
        Path source = dir.resolve("Translation-en.xz");
        StringBuilder index = new StringBuilder();
        String doc = " This tool does many useful things for the people who install it on their computers and it keeps"
                + " doing them every day without complaint, quietly and well.\n"; // 4 + 27 = 31 words
        for (int i = 0; i < 40; i++) {
            index.append("Package: tool").append(i).append('\n')
                    .append("Description-md5: 0\n")
                    .append("Description-en: useful tool number ").append(i).append('\n')
                    .append(" Tool ").append(i).append(" is unique.").append(doc).append('\n');
        }
        index.append("Package: tiny\nDescription-md5: 0\nDescription-en: too short\n short document\n");
        try (OutputStream out = new XZOutputStream(Files.newOutputStream(source), new LZMA2Options())) {
            out.write(index.toString().getBytes(StandardCharsets.UTF_8));
        }
        Path outDir = dir.resolve("debian-tldr");
        CliRun r = CliRun.of("data", "build-debian", "--source", source.toString(), "--out", outDir.toString());
        assertEquals(0, r.exitCode(), r.err());
        assertTrue(r.out().startsWith("debian-tldr: 41 stanzas → 40 rows in 40 groups (dropped: 1 document < 30 words,"),
                r.out());
        long rows = 0;
        for (String split : new String[] {"train", "validation", "test"}) {
            rows += lines(outDir.resolve(split + ".jsonl.gz"));
            assertEquals(lines(outDir.resolve(split + ".jsonl.gz")), lines(outDir.resolve("comparisons-" + split + ".jsonl.gz")));
        }
        assertEquals(40, rows);
        assertTrue(Files.readString(outDir.resolve("DATASHEET.md")).contains("| **kept** | **40** rows in 40 groups |"));
    }

    private static long lines(Path gz) throws IOException {
        try (GZIPInputStream in = new GZIPInputStream(Files.newInputStream(gz))) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().count();
        }
    }
}
