package trl4j.train;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.BitmapEncoder.BitmapFormat;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.style.markers.SeriesMarkers;
import trl4j.checkpoint.AtomicFiles;

/** PNG line charts of metrics over steps, drawn from {@code metrics.jsonl} with XChart (no display needed). */
public final class Plots {

    static {
        // Charts are drawn off-screen; without this AWT looks for an X server.
        System.setProperty("java.awt.headless", "true");
    }

    private Plots() {}

    /**
     * Writes one chart per key that has at least one finite value: {@code outDir/<key>.png} with
     * characters other than letters, digits, '-' and '_' replaced by '_' ({@code objective/kl} →
     * {@code objective_kl.png}). Keys never logged are skipped.
     *
     * @return the files written, in key order
     */
    public static List<Path> write(Path metricsFile, Path outDir, List<String> keys) {
        List<MetricsSink.Entry> entries = MetricsSink.read(metricsFile);
        List<Path> written = new ArrayList<>();
        for (String key : keys) {
            List<Double> steps = new ArrayList<>();
            List<Double> values = new ArrayList<>();
            for (MetricsSink.Entry e : entries) {
                Double v = e.metrics().get(key);
                if (v != null && Double.isFinite(v)) {
                    steps.add((double) e.step());
                    values.add(v);
                }
            }
            if (values.isEmpty()) {
                continue;
            }
            Path file = outDir.resolve(fileName(key));
            AtomicFiles.write(file, out -> out.write(png(key, steps, values)));
            written.add(file);
        }
        return written;
    }

    /**
     * Redraws a run folder's charts: {@code runDir/plots/<key>.png} for every key its
     * {@code metrics.jsonl} logged, in the order keys first appear.
     *
     * @return the files written (none when the run has no metrics file)
     */
    public static List<Path> writeAll(Path runDir) {
        Path metrics = runDir.resolve(MetricsSink.FILE);
        if (!java.nio.file.Files.isRegularFile(metrics)) {
            return List.of();
        }
        java.util.LinkedHashSet<String> keys = new java.util.LinkedHashSet<>();
        MetricsSink.read(metrics).forEach(e -> keys.addAll(e.metrics().keySet()));
        return write(metrics, runDir.resolve("plots"), List.copyOf(keys));
    }

    static String fileName(String key) {
        return key.replaceAll("[^A-Za-z0-9_-]", "_") + ".png";
    }

    private static byte[] png(String key, List<Double> steps, List<Double> values) {
        XYChart chart = new XYChartBuilder().width(800).height(450).title(key).xAxisTitle("step").yAxisTitle(key).build();
        chart.getStyler().setLegendVisible(false);
        chart.addSeries(key, steps, values).setMarker(values.size() > 50 ? SeriesMarkers.NONE : SeriesMarkers.CIRCLE);
        try {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            BitmapEncoder.saveBitmap(chart, bytes, BitmapFormat.PNG);
            return bytes.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot draw the chart of " + key + ": " + e.getMessage(), e);
        }
    }
}
