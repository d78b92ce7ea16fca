package trl4j.eval.baseline;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import trl4j.data.debian.Datasheet;
import trl4j.data.debian.DebianRow;
import trl4j.data.debian.DebianTldrBuilder;
import trl4j.eval.rouge.RougeType;

/**
 * {@code ./trl4j data build-debian} as a library call: builds the dataset files, scores the lead
 * baselines on the test split and writes {@code DATASHEET.md} from those numbers, so every number in
 * the datasheet comes from the build that produced the files. (It lives in {@code eval} because the
 * datasheet needs ROUGE, and {@code data} sits below {@code eval}.)
 */
public final class DebianTldrRelease {

    /** Baselines are scored as summarisation papers report ROUGE: F1, Porter stemmer on. */
    public static final boolean USE_STEMMER = true;

    public record Result(DebianTldrBuilder.Result build, List<LeadBaselines.Result> baselines) {}

    private DebianTldrRelease() {}

    public static Result build(Path source, Path outDir) throws IOException {
        DebianTldrBuilder.Result build = DebianTldrBuilder.build(source, outDir);
        List<DebianRow> test = build.splits().get("test");
        // A tiny source (tests) may leave the test split empty: then there is nothing to score.
        List<LeadBaselines.Result> baselines = test.isEmpty() ? List.of() : LeadBaselines.score(
                test.stream().map(DebianRow::document).toList(),
                test.stream().map(r -> List.of(r.summary())).toList(), USE_STEMMER);
        List<Datasheet.Baseline> lines = baselines.stream().map(b -> new Datasheet.Baseline(b.name(), b.meanWords(),
                b.rouge().get(RougeType.ROUGE1).fmeasure(), b.rouge().get(RougeType.ROUGE2).fmeasure(),
                b.rouge().get(RougeType.ROUGE_L).fmeasure(), b.rouge().get(RougeType.ROUGE_LSUM).fmeasure())).toList();
        Files.writeString(outDir.resolve(Datasheet.FILE_NAME), Datasheet.render(build.stats(), lines), StandardCharsets.UTF_8);
        return new Result(build, baselines);
    }
}
