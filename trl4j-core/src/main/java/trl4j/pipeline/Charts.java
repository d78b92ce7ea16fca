package trl4j.pipeline;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.style.markers.SeriesMarkers;
import trl4j.checkpoint.AtomicFiles;
import trl4j.train.MetricsSink;

/** Multi-series PNG charts for the report (XChart, drawn off-screen). */
final class Charts {

    static {
        System.setProperty("java.awt.headless", "true");
    }

    /** One line: x and y values of equal length. */
    record Series(String name, List<Double> x, List<Double> y) {}

    private Charts() {}

    /** Draws series on one chart and writes it atomically; series without points are left out. */
    static boolean write(Path file, String title, String xAxis, String yAxis, List<Series> series) {
        XYChart chart = new XYChartBuilder().width(900).height(480).title(title).xAxisTitle(xAxis).yAxisTitle(yAxis).build();
        int drawn = 0;
        for (Series s : series) {
            if (s.x().isEmpty()) {
                continue;
            }
            chart.addSeries(s.name(), s.x(), s.y()).setMarker(s.x().size() > 40 ? SeriesMarkers.NONE : SeriesMarkers.CIRCLE);
            drawn++;
        }
        if (drawn == 0) {
            return false;
        }
        chart.getStyler().setLegendVisible(drawn > 1);
        try {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            BitmapEncoder.saveBitmap(chart, bytes, BitmapEncoder.BitmapFormat.PNG);
            AtomicFiles.write(file, out -> out.write(bytes.toByteArray()));
            return true;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot draw " + file + ": " + e.getMessage(), e);
        }
    }

    /** The series of the given metric keys over steps, from a metrics.jsonl (missing keys give empty series). */
    static List<Series> fromMetrics(Path metricsFile, Map<String, String> keysToNames) {
        List<MetricsSink.Entry> entries = metricsFile.toFile().isFile() ? MetricsSink.read(metricsFile) : List.of();
        Map<String, Series> out = new LinkedHashMap<>();
        keysToNames.forEach((key, name) -> out.put(key, new Series(name, new java.util.ArrayList<>(), new java.util.ArrayList<>())));
        for (MetricsSink.Entry e : entries) {
            for (String key : keysToNames.keySet()) {
                Double v = e.metrics().get(key);
                if (v != null && Double.isFinite(v)) {
                    out.get(key).x().add((double) e.step());
                    out.get(key).y().add(v);
                }
            }
        }
        return List.copyOf(out.values());
    }
}
