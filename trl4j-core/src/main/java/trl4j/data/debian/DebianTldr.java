package trl4j.data.debian;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import trl4j.data.Comparison;
import trl4j.data.Datasets;
import trl4j.data.PromptCompletion;
import trl4j.data.PromptReferences;
import trl4j.data.ReadOptions;
import trl4j.data.Schema;

/**
 * The bundled debian-tldr dataset in {@code data/debian-tldr/}: where its files are and its rows as
 * trl4j records. Prompts are TL;DR prompts ({@code document + "\nTL;DR:"}), completions the synopsis
 * after one space; comparisons keep their negative kind.
 *
 * <pre>{@code
 * Path dir = DebianTldr.locate(Path.of(""));            // finds data/debian-tldr from the repo or below
 * List<PromptCompletion> train = DebianTldr.pairs(dir, "train");
 * List<Comparison> rm = DebianTldr.comparisons(dir, "train");
 * }</pre>
 */
public final class DebianTldr {

    public static final List<String> SPLITS = List.of("train", "validation", "test");
    /** The folder, relative to the repository root. */
    public static final Path RELATIVE_DIR = Path.of("data", "debian-tldr");
    /** The raw source, relative to the shared folder next to the repository. */
    public static final Path SOURCE_IN_SHARED = Path.of("data", "debian-bookworm-main-Translation-en.xz");

    private DebianTldr() {}

    static String splitFileName(String split) {
        return checkSplit(split) + ".jsonl.gz";
    }

    static String comparisonsFileName(String split) {
        return "comparisons-" + checkSplit(split) + ".jsonl.gz";
    }

    private static String checkSplit(String split) {
        if (!SPLITS.contains(split)) {
            throw new IllegalArgumentException("unknown split '" + split + "' (expected one of " + SPLITS + ")");
        }
        return split;
    }

    /**
     * The dataset folder: {@code dir} itself if it holds the split files, else {@code dir/data/debian-tldr}
     * of the first of {@code dir} and its parents that has one.
     */
    public static Path locate(Path dir) {
        Path start = dir.toAbsolutePath().normalize();
        if (Files.isRegularFile(start.resolve(splitFileName("train")))) {
            return start;
        }
        for (Path p = start; p != null; p = p.getParent()) {
            if (Files.isRegularFile(p.resolve(RELATIVE_DIR).resolve(splitFileName("train")))) {
                return p.resolve(RELATIVE_DIR);
            }
        }
        throw new IllegalArgumentException(start + ": no debian-tldr dataset here or in a parent's " + RELATIVE_DIR
                + " (build it with ./trl4j data build-debian)");
    }

    /** Path of a split's rows ({@code id, package, group, document, summary}). */
    public static Path split(Path dir, String split) {
        return existing(locate(dir).resolve(splitFileName(split)));
    }

    /** Path of a split's comparisons ({@code id, package, group, prompt, chosen, rejected, kind}). */
    public static Path comparisonsFile(Path dir, String split) {
        return existing(locate(dir).resolve(comparisonsFileName(split)));
    }

    public static List<PromptCompletion> pairs(Path dir, String split) {
        return Datasets.loadPairs(split(dir, split), strict(Schema.DEBIAN_TLDR)).rows();
    }

    public static List<PromptReferences> references(Path dir, String split) {
        return Datasets.loadReferences(split(dir, split), strict(Schema.DEBIAN_TLDR)).rows();
    }

    public static List<Comparison> comparisons(Path dir, String split) {
        return Datasets.loadComparisons(comparisonsFile(dir, split), strict(Schema.DEBIAN_COMPARISONS)).rows();
    }

    /** The bundled files are ours: a bad row there is a bug, not something to skip. */
    private static ReadOptions strict(Schema schema) {
        return ReadOptions.defaults().withSchema(schema).withOnBadRow(trl4j.data.BadRowPolicy.FAIL);
    }

    private static Path existing(Path p) {
        if (!Files.isRegularFile(p)) {
            throw new IllegalArgumentException(p + ": missing (rebuild with ./trl4j data build-debian)");
        }
        return p;
    }
}
