package trl4j.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MetricsAndPlotsTest {

    static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-05T10:00:00Z"), ZoneOffset.UTC);

    private static Map<String, Double> metrics(double loss, double lr) {
        Map<String, Double> m = new LinkedHashMap<>();
        m.put("loss", loss);
        m.put("learning_rate", lr);
        return m;
    }

    @Test
    void writesOneFlushedJsonObjectPerLineAndReadsItBack(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("run/metrics.jsonl");
        try (MetricsSink sink = MetricsSink.open(file, CLOCK)) {
            sink.log(10, 0.25, metrics(2.5, 5e-5));
            // flushed per line: visible before close
            assertEquals("{\"step\":10,\"epoch\":0.25,\"timestamp\":\"2026-11-05T10:00:00Z\",\"metrics\":"
                    + "{\"loss\":2.5,\"learning_rate\":5.0E-5}}\n", Files.readString(file));
            sink.log(20, 0.5, Map.of("eval_loss", Double.NaN));
        }
        List<MetricsSink.Entry> entries = MetricsSink.read(file);
        assertEquals(2, entries.size());
        assertEquals(new MetricsSink.Entry(10, 0.25, Instant.parse("2026-11-05T10:00:00Z"), metrics(2.5, 5e-5)), entries.get(0));
        assertTrue(Double.isNaN(entries.get(1).metrics().get("eval_loss")), "NaN is written as null and read as NaN");
        assertTrue(Files.readString(file).contains("\"eval_loss\":null"));
    }

    @Test
    void resumeDropsLinesAfterTheCheckpointAndATornLine(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("metrics.jsonl");
        try (MetricsSink sink = MetricsSink.open(file, CLOCK)) {
            for (int step = 10; step <= 40; step += 10) {
                sink.log(step, step / 100.0, metrics(1.0 / step, 1e-4));
            }
        }
        Files.writeString(file, "{\"step\":50,\"epo", java.nio.file.StandardOpenOption.APPEND);
        assertEquals(4, MetricsSink.read(file).size(), "a torn last line is skipped");
        try (MetricsSink sink = MetricsSink.resume(file, 20, CLOCK)) {
            sink.log(30, 0.3, metrics(0.03, 1e-4));
        }
        assertEquals(List.of(10L, 20L, 30L), MetricsSink.read(file).stream().map(MetricsSink.Entry::step).toList());
    }

    @Test
    void plotsAreValidPngImagesOfTheRequestedKeys(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("metrics.jsonl");
        try (MetricsSink sink = MetricsSink.open(file, CLOCK)) {
            for (int step = 1; step <= 30; step++) {
                Map<String, Double> m = metrics(3.0 / step, 1e-4 * step);
                if (step % 10 == 0) {
                    m.put("objective/kl", 0.01 * step);
                }
                sink.log(step, step / 30.0, m);
            }
        }
        List<Path> written = Plots.write(file, dir.resolve("plots"), List.of("loss", "objective/kl", "never_logged"));
        assertEquals(List.of(dir.resolve("plots/loss.png"), dir.resolve("plots/objective_kl.png")), written);
        for (Path png : written) {
            byte[] bytes = Files.readAllBytes(png);
            assertEquals((byte) 0x89, bytes[0]);
            assertEquals("PNG", new String(bytes, 1, 3, StandardCharsets.US_ASCII));
            BufferedImage image = ImageIO.read(png.toFile());
            assertEquals(800, image.getWidth());
            assertEquals(450, image.getHeight());
        }
    }

    @Test
    void progressLinesShowRatesAndEta() {
        long[] now = {0};
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        ProgressBar bar = new ProgressBar("sft", 100, new PrintStream(bytes, true, StandardCharsets.UTF_8), false, () -> now[0], 30);
        bar.start(20); // resumed at step 20
        now[0] = 10_000_000_000L; // 10 s for 20 steps of 512 tokens
        for (int step = 21; step <= 40; step++) {
            bar.update(step, 1.23456, 4.9e-5, 512);
        }
        String line = bar.render(40, 1.23456, 4.9e-5, now[0]);
        assertEquals("sft  40/100 [########............]  40% loss 1.2346 lr 4.90e-05 1024 tok/s 2.00 it/s ETA 30s", line);
        // Non-interactive: one plain line at the first update, none again within 30 s.
        assertEquals(line.replace(" 40/", " 21/").replace("########....", "####........").replace(" 40%", " 21%")
                .replace("1024 tok/s 2.00 it/s ETA 30s", "51 tok/s 0.10 it/s ETA 13m10s") + "\n",
                bytes.toString(StandardCharsets.UTF_8));
        assertEquals("2h03m", ProgressBar.duration(7384));
        assertEquals("6m59s", ProgressBar.duration(419));
    }

    @Test
    void interactiveProgressRedrawsOneLine() {
        long[] now = {0};
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        ProgressBar bar = new ProgressBar("rm", 2, new PrintStream(bytes, true, StandardCharsets.UTF_8), true, () -> now[0], 30);
        now[0] = 1_000_000_000L;
        bar.update(1, 0.5, 1e-3, 10);
        now[0] = 2_000_000_000L;
        bar.update(2, 0.25, 1e-3, 10);
        String out = bytes.toString(StandardCharsets.UTF_8);
        assertTrue(out.startsWith("\rrm 1/2 [##########..........]  50% loss 0.5000"), out);
        assertTrue(out.contains("\rrm 2/2 [####################] 100% loss 0.2500 lr 1.00e-03 10 tok/s 1.00 it/s ETA 0s"), out);
        assertTrue(out.endsWith("\n"), "a newline after the last step");
    }
}
