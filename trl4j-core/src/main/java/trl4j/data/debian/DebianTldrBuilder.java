package trl4j.data.debian;

import trl4j.data.LengthStats;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import trl4j.data.Compression;

/**
 * Builds the bundled {@code debian-tldr} dataset from Debian's {@code Translation-en} (long
 * description → synopsis): normalise whitespace, keep documents of 30–300 words and synopses of 2–20
 * words, drop repeated documents (the first package in file order stays), group packages by their
 * first paragraph and split by group — 90/5/5 by the group hash — so related packages such as
 * {@code 0ad} and {@code 0ad-data} never straddle splits. Writes {@code <split>.jsonl.gz} and
 * {@code comparisons-<split>.jsonl.gz} with {@link DeterministicGzip}, so a rebuild is byte-identical.
 */
public final class DebianTldrBuilder {

    public static final int MIN_DOCUMENT_WORDS = 30;
    public static final int MAX_DOCUMENT_WORDS = 300;
    public static final int MIN_SYNOPSIS_WORDS = 2;
    public static final int MAX_SYNOPSIS_WORDS = 20;
    /** Groups whose hash mod 100 is below 90 are train, below 95 validation, the rest test. */
    static final int TRAIN_PERCENT = 90;
    static final int VALIDATION_PERCENT = 5;

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int[] DOCUMENT_BUCKETS = {49, 74, 99, 149, 199};
    private static final int[] SYNOPSIS_BUCKETS = {3, 5, 7, 10, 15};

    /** The built rows per split (in {@link DebianTldr#SPLITS} order) and the statistics. */
    public record Result(BuildStats stats, Map<String, List<DebianRow>> splits) {}

    private DebianTldrBuilder() {}

    /** Builds from the raw {@code .xz} file into {@code outDir} (created if needed). */
    public static Result build(Path source, Path outDir) throws IOException {
        if (!Files.isRegularFile(source)) {
            throw new IllegalArgumentException(source + ": no such file (Debian's Translation-en, .xz)");
        }
        String sourceSha = HexFormat.of().formatHex(sha256().digest(Files.readAllBytes(source)));
        List<DebianDescription> stanzas = new ArrayList<>();
        try (InputStream in = Compression.open(source)) {
            TranslationFile.parse(in, source.toString(), stanzas::add);
        }
        MessageDigest groupHash = sha256();

        long docShort = 0, docLong = 0, synShort = 0, synLong = 0, duplicates = 0;
        Set<String> seenDocuments = new HashSet<>();
        Map<String, List<DebianRow>> splits = new LinkedHashMap<>();
        DebianTldr.SPLITS.forEach(s -> splits.put(s, new ArrayList<>()));
        Map<String, Long> groupSizes = new HashMap<>();
        Map<String, String> groupNames = new HashMap<>();
        for (DebianDescription d : stanzas) {
            String document = d.document();
            int docWords = HardNegatives.words(document).length;
            int synWords = HardNegatives.words(d.synopsis()).length;
            if (docWords < MIN_DOCUMENT_WORDS) {
                docShort++;
            } else if (docWords > MAX_DOCUMENT_WORDS) {
                docLong++;
            } else if (synWords < MIN_SYNOPSIS_WORDS) {
                synShort++;
            } else if (synWords > MAX_SYNOPSIS_WORDS) {
                synLong++;
            } else if (!seenDocuments.add(document)) {
                duplicates++;
            } else {
                byte[] h = groupHash.digest(d.firstParagraph().toLowerCase(Locale.ROOT).getBytes(StandardCharsets.UTF_8));
                String group = HexFormat.of().formatHex(h, 0, 8);
                DebianRow row = new DebianRow(d.packageName(), d.packageName(), group, document, d.synopsis());
                splits.get(splitOf(group)).add(row);
                groupSizes.merge(group, 1L, Long::sum);
                groupNames.putIfAbsent(group, d.packageName());
            }
        }

        Files.createDirectories(outDir);
        Map<String, BuildStats.SplitStats> splitStats = new LinkedHashMap<>();
        long rows = 0;
        for (Map.Entry<String, List<DebianRow>> e : splits.entrySet()) {
            List<DebianRow> split = e.getValue();
            rows += split.size();
            ByteArrayOutputStream rowsOut = new ByteArrayOutputStream();
            ByteArrayOutputStream comparisonsOut = new ByteArrayOutputStream();
            HardNegatives negatives = new HardNegatives(split);
            Map<NegativeKind, Long> kinds = new EnumMap<>(NegativeKind.class);
            int[] docLengths = new int[split.size()];
            int[] synLengths = new int[split.size()];
            for (int i = 0; i < split.size(); i++) {
                DebianRow r = split.get(i);
                writeLine(rowsOut, rowJson(r));
                HardNegatives.Negative neg = negatives.make(i);
                kinds.merge(neg.kind(), 1L, Long::sum);
                writeLine(comparisonsOut, comparisonJson(r, neg));
                docLengths[i] = HardNegatives.words(r.document()).length;
                synLengths[i] = HardNegatives.words(r.summary()).length;
            }
            DeterministicGzip.write(outDir.resolve(DebianTldr.splitFileName(e.getKey())), rowsOut.toByteArray());
            DeterministicGzip.write(outDir.resolve(DebianTldr.comparisonsFileName(e.getKey())), comparisonsOut.toByteArray());
            long groups = split.stream().map(DebianRow::group).distinct().count();
            splitStats.put(e.getKey(), new BuildStats.SplitStats(split.size(), groups,
                    LengthStats.of(docLengths, DOCUMENT_BUCKETS), LengthStats.of(synLengths, SYNOPSIS_BUCKETS), kinds));
        }
        Map<String, Long> largest = new LinkedHashMap<>();
        groupSizes.entrySet().stream()
                .sorted(Map.Entry.<String, Long>comparingByValue().reversed().thenComparing(Map.Entry.comparingByKey()))
                .limit(5).forEach(g -> largest.put(groupNames.get(g.getKey()) + " (" + g.getKey() + ")", g.getValue()));
        BuildStats stats = new BuildStats(source.getFileName().toString(), sourceSha, stanzas.size(), docShort, docLong,
                synShort, synLong, duplicates, rows, groupSizes.size(), largest, splitStats);
        return new Result(stats, splits);
    }

    /** The split of a group: its 64-bit hash (the group id) modulo 100. */
    public static String splitOf(String group) {
        long bucket = Long.remainderUnsigned(Long.parseUnsignedLong(group, 16), 100);
        return bucket < TRAIN_PERCENT ? "train" : bucket < TRAIN_PERCENT + VALIDATION_PERCENT ? "validation" : "test";
    }

    private static ObjectNode rowJson(DebianRow r) {
        ObjectNode o = JSON.createObjectNode();
        o.put("id", r.id());
        o.put("package", r.packageName());
        o.put("group", r.group());
        o.put("document", r.document());
        o.put("summary", r.summary());
        return o;
    }

    private static ObjectNode comparisonJson(DebianRow r, HardNegatives.Negative neg) {
        ObjectNode o = JSON.createObjectNode();
        o.put("id", r.id());
        o.put("package", r.packageName());
        o.put("group", r.group());
        o.put("prompt", r.document());
        o.put("chosen", r.summary());
        o.put("rejected", neg.text());
        o.put("kind", neg.kind().key());
        return o;
    }

    private static void writeLine(ByteArrayOutputStream out, ObjectNode row) {
        try {
            out.writeBytes(JSON.writeValueAsBytes(row));
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
        out.write('\n');
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required by every JDK", e);
        }
    }
}
