package trl4j.pipeline;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import trl4j.checkpoint.AtomicFiles;

/**
 * Writes the pipeline's report: {@code report.md} (plots as PNG files beside it), a self-contained
 * {@code report.html} (the same content, plots embedded) and {@code results.json}.
 */
public final class ReportWriter {

    /** A plot of the report: file (in the run folder) and caption. */
    public record Figure(Path file, String caption) {}

    private ReportWriter() {}

    public static void write(Path runDir, PipelineResults results, List<Figure> figures) {
        try {
            ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
            AtomicFiles.writeString(runDir.resolve("results.json"), json.writeValueAsString(results) + "\n");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        List<Figure> present = figures.stream().filter(f -> Files.isRegularFile(f.file())).toList();
        AtomicFiles.writeString(runDir.resolve("report.md"), markdown(runDir, results, present));
        AtomicFiles.writeString(runDir.resolve("report.html"), html(results, present));
    }

    static String markdown(Path runDir, PipelineResults r, List<Figure> figures) {
        StringBuilder md = new StringBuilder();
        md.append("# trl4j pipeline report\n\n");
        md.append("Preset `").append(r.preset()).append("`, finished ").append(r.finishedAt()).append(" on ")
                .append(r.machine()).append(" (").append(r.version()).append(").\n\n");
        md.append("## Results on the test split\n\n").append(policyTable(r)).append('\n');
        md.append(winRates(r)).append('\n');
        md.append("## Gold judge\n\n").append(r.goldJudge()).append("\n\n");
        md.append("## Reward model\n\n").append(rewardModel(r)).append('\n');
        md.append("## Stage timings\n\n| stage | seconds | |\n|---|---:|---|\n");
        for (var s : r.stages()) {
            md.append("| ").append(s.stage()).append(" | ").append(fmt(s.seconds(), 1)).append(" | ")
                    .append(s.skipped() ? "already done, skipped" : "").append(" |\n");
        }
        md.append('\n');
        if (!r.overoptimisation().isEmpty()) {
            md.append("## Proxy vs gold as KL grows\n\n| step | KL to SFT | reward-model score | gold score |\n|---:|---:|---:|---:|\n");
            for (var p : r.overoptimisation()) {
                md.append("| ").append(p.step()).append(" | ").append(fmt(p.kl(), 3)).append(" | ")
                        .append(fmt(p.rewardModelScore(), 3)).append(" | ").append(fmt(p.goldScore(), 3)).append(" |\n");
            }
            md.append('\n');
        }
        md.append("## Plots\n\n");
        for (Figure f : figures) {
            md.append("![").append(f.caption()).append("](").append(runDir.relativize(f.file()).toString().replace('\\', '/'))
                    .append(")\n\n*").append(f.caption()).append("*\n\n");
        }
        md.append("## Samples\n\n").append(samples(r, false));
        return md.toString();
    }

    /** The results table (markdown): one row per summariser. */
    public static String policyTable(PipelineResults r) {
        StringBuilder t = new StringBuilder();
        t.append("| policy | ROUGE-1 | ROUGE-2 | ROUGE-L | reward-model score | gold score | KL to SFT | mean words | EOS rate | n |\n");
        t.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        for (var p : r.policies()) {
            t.append("| ").append(p.name()).append(" | ").append(fmt(p.rouge1(), 4)).append(" | ").append(fmt(p.rouge2(), 4))
                    .append(" | ").append(fmt(p.rougeL(), 4)).append(" | ").append(fmt(p.rewardModelScore(), 3)).append(" | ")
                    .append(fmt(p.goldScore(), 4)).append(" | ").append(p.klToSft() == null ? "–" : fmt(p.klToSft(), 3))
                    .append(" | ").append(fmt(p.meanWords(), 1)).append(" | ")
                    .append(p.eosRate() == null ? "–" : fmt(100 * p.eosRate(), 1) + "%").append(" | ").append(p.examples()).append(" |\n");
        }
        return t.toString();
    }

    private static String winRates(PipelineResults r) {
        if (r.winRates().isEmpty()) {
            return "";
        }
        StringBuilder s = new StringBuilder("Win rates (ties count half): ");
        List<String> parts = new ArrayList<>();
        r.winRates().forEach((k, v) -> parts.add(k + " " + fmt(100 * v, 1) + "%"));
        return s.append(String.join(", ", parts)).append(".\n").toString();
    }

    private static String rewardModel(PipelineResults r) {
        var rm = r.rewardModel();
        if (rm == null) {
            return "(not trained)\n";
        }
        StringBuilder s = new StringBuilder();
        s.append("Held-out accuracy ").append(fmt(100 * rm.accuracy(), 1)).append("% on ").append(rm.validationPairs()).append(" pairs");
        if (rm.goldLabelledAccuracy() != null) {
            s.append("; on gold-labelled SFT sample pairs ").append(fmt(100 * rm.goldLabelledAccuracy(), 1)).append('%');
        }
        s.append(".\n\n");
        if (!rm.accuracyByKind().isEmpty()) {
            s.append("| pair kind | accuracy |\n|---|---:|\n");
            rm.accuracyByKind().forEach((k, v) -> s.append("| ").append(k).append(" | ").append(fmt(100 * v, 1)).append("% |\n"));
        }
        if (rm.normalisationOffset() != null) {
            s.append("\nScores are normalised so reference summaries of held-out documents score 0 on average (offset ")
                    .append(fmt(rm.normalisationOffset(), 4)).append(").\n");
        }
        return s.toString();
    }

    private static String samples(PipelineResults r, boolean html) {
        StringBuilder s = new StringBuilder();
        int i = 1;
        for (var sample : r.samples()) {
            s.append(html ? "<h3>Sample " + i + "</h3>\n<p><b>Document.</b> " + esc(sample.document()) + "</p>\n<p><b>Reference.</b> "
                    + esc(sample.reference()) + "</p>\n<table><tr><th>policy</th><th>summary</th><th>reward model</th><th>gold</th></tr>\n"
                    : "### Sample " + i + "\n\n**Document.** " + oneLine(sample.document()) + "\n\n**Reference.** "
                    + oneLine(sample.reference()) + "\n\n| policy | summary | reward model | gold |\n|---|---|---:|---:|\n");
            for (Map.Entry<String, String> e : sample.summaries().entrySet()) {
                String name = e.getKey();
                String rm = fmt(sample.rewardScores().getOrDefault(name, Double.NaN), 3);
                String gold = fmt(sample.goldScores().getOrDefault(name, Double.NaN), 3);
                s.append(html ? "<tr><td>" + esc(name) + "</td><td>" + esc(e.getValue()) + "</td><td>" + rm + "</td><td>" + gold + "</td></tr>\n"
                        : "| " + name + " | " + oneLine(e.getValue()).replace("|", "\\|") + " | " + rm + " | " + gold + " |\n");
            }
            s.append(html ? "</table>\n" : "\n");
            i++;
        }
        return s.toString();
    }

    static String html(PipelineResults r, List<Figure> figures) {
        StringBuilder h = new StringBuilder();
        h.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>trl4j pipeline report</title>\n<style>")
                .append("body{font-family:system-ui,sans-serif;max-width:1100px;margin:2em auto;padding:0 1em;color:#222}")
                .append("table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #ccc;padding:4px 8px;text-align:right}")
                .append("td:first-child,th:first-child{text-align:left}img{max-width:100%}figcaption{color:#555;font-style:italic}")
                .append("</style></head><body>\n");
        h.append("<h1>trl4j pipeline report</h1>\n<p>Preset <code>").append(esc(r.preset())).append("</code>, finished ")
                .append(esc(r.finishedAt())).append(" on ").append(esc(r.machine())).append(" (").append(esc(r.version())).append(").</p>\n");
        h.append("<h2>Results on the test split</h2>\n").append(markdownTableToHtml(policyTable(r)));
        h.append("<p>").append(esc(winRates(r))).append("</p>\n");
        h.append("<h2>Gold judge</h2>\n<p>").append(esc(r.goldJudge())).append("</p>\n");
        h.append("<h2>Reward model</h2>\n");
        for (String block : rewardModel(r).split("\n\n")) {
            h.append(block.startsWith("|") ? markdownTableToHtml(block) : "<p>" + esc(block) + "</p>\n");
        }
        h.append("<h2>Stage timings</h2>\n<table><tr><th>stage</th><th>seconds</th><th></th></tr>\n");
        for (var s : r.stages()) {
            h.append("<tr><td>").append(esc(s.stage())).append("</td><td>").append(fmt(s.seconds(), 1)).append("</td><td>")
                    .append(s.skipped() ? "already done, skipped" : "").append("</td></tr>\n");
        }
        h.append("</table>\n<h2>Plots</h2>\n");
        for (Figure f : figures) {
            try {
                String data = Base64.getEncoder().encodeToString(Files.readAllBytes(f.file()));
                h.append("<figure><img alt=\"").append(esc(f.caption())).append("\" src=\"data:image/png;base64,").append(data)
                        .append("\"><figcaption>").append(esc(f.caption())).append("</figcaption></figure>\n");
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        h.append("<h2>Samples</h2>\n").append(samples(r, true)).append("</body></html>\n");
        return h.toString();
    }

    /** Converts a simple pipe table (header, rule, rows) to HTML. */
    static String markdownTableToHtml(String table) {
        StringBuilder h = new StringBuilder("<table>\n");
        String[] lines = table.strip().split("\n");
        for (int i = 0; i < lines.length; i++) {
            if (i == 1) {
                continue; // the |---| rule
            }
            String[] cells = lines[i].replaceAll("^\\|\\s*|\\s*\\|$", "").split("\\s*\\|\\s*");
            h.append("<tr>");
            for (String c : cells) {
                h.append(i == 0 ? "<th>" : "<td>").append(esc(c)).append(i == 0 ? "</th>" : "</td>");
            }
            h.append("</tr>\n");
        }
        return h.append("</table>\n").toString();
    }

    static String fmt(double v, int digits) {
        return Double.isNaN(v) ? "–" : String.format(Locale.ROOT, "%." + digits + "f", v);
    }

    private static String oneLine(String s) {
        return s.replaceAll("\\s+", " ").strip();
    }

    static String esc(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
