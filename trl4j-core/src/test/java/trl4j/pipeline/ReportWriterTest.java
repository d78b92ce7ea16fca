package trl4j.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReportWriterTest {

    static PipelineResults results() {
        Map<String, String> summaries = new LinkedHashMap<>();
        summaries.put("lead-10", "A fast parser <for> JSON");
        summaries.put("SFT", "JSON parser");
        return new PipelineResults("quick", "2026-11-25T16:00:00Z", "2 cores, Linux", "trl4j 0.1.0",
                List.of(new PipelineResults.PolicyRow("lead-10", 0.31, 0.14, 0.28, -0.5, 0.27, null, 10, null, 100),
                        new PipelineResults.PolicyRow("SFT", 0.35, 0.16, 0.33, 0.1, 0.31, 0.0, 6.5, 0.97, 100),
                        new PipelineResults.PolicyRow("PPO", 0.34, 0.15, 0.32, 0.6, 0.32, 2.1, 6.0, 0.99, 100)),
                Map.of("PPO vs SFT (reward model)", 0.7, "PPO vs SFT (gold)", 0.55),
                new PipelineResults.RewardModelRow(0.9, Map.of("shuffled", 0.95), 0.7, 500, -0.25),
                List.of(new PipelineResults.StageTiming("sft", 120.5, false), new PipelineResults.StageTiming("reward", 0.1, true)),
                List.of(new PipelineResults.OveroptimisationPoint(10, 0.5, 0.2, 0.31)),
                List.of(new PipelineResults.Sample("A fast parser for JSON.", "JSON parser", summaries,
                        Map.of("lead-10", -0.5, "SFT", 0.1), Map.of("lead-10", 0.4, "SFT", 1.0))),
                GoldJudge.describe());
    }

    @Test
    void writesMarkdownHtmlWithEmbeddedPlotsAndJson(@TempDir Path dir) throws Exception {
        Path png = dir.resolve("plots/curve.png");
        Charts.write(png, "curve", "step", "value", List.of(new Charts.Series("a", List.of(1.0, 2.0), List.of(3.0, 4.0))));
        assertTrue(ImageIO.read(png.toFile()).getWidth() > 0);
        ReportWriter.write(dir, results(), List.of(new ReportWriter.Figure(png, "a curve"),
                new ReportWriter.Figure(dir.resolve("missing.png"), "absent")));
        String md = Files.readString(dir.resolve("report.md"));
        assertTrue(md.contains("| PPO | 0.3400 | 0.1500 | 0.3200 | 0.600 | 0.3200 | 2.100 | 6.0 | 99.0% | 100 |"), md);
        assertTrue(md.contains("![a curve](plots/curve.png)"));
        assertTrue(!md.contains("absent"));
        String html = Files.readString(dir.resolve("report.html"));
        assertTrue(html.contains("data:image/png;base64,"));
        assertTrue(html.contains("A fast parser &lt;for&gt; JSON"));
        assertTrue(!html.contains("src=\"plots/"), "the HTML must not depend on files beside it");
        var json = new ObjectMapper().readTree(dir.resolve("results.json").toFile());
        assertEquals(3, json.get("policies").size());
        assertEquals("PPO", json.get("policies").get(2).get("name").asText());
        assertEquals(120.5, json.get("stages").get(0).get("seconds").asDouble());
    }
}
