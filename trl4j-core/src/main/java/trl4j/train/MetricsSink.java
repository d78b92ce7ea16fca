package trl4j.train;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import trl4j.checkpoint.AtomicFiles;

/**
 * The run's metrics as JSON lines ({@code RUN/metrics.jsonl}), one object per log step:
 *
 * <pre>{"step":20,"epoch":0.5,"timestamp":"2026-11-05T10:00:00Z","metrics":{"loss":2.31,"learning_rate":4.9E-5}}</pre>
 *
 * Metric keys follow TRL ({@code loss}, {@code learning_rate}, {@code grad_norm}, {@code eval_loss},
 * {@code objective/kl}, …). Each line is flushed when written, so a crash loses at most the line
 * being written; a torn last line is skipped by {@link #read} and dropped by {@link #resume}. NaN
 * and infinities, which JSON cannot hold, are written as null and read back as NaN.
 */
public final class MetricsSink implements AutoCloseable {

    public static final String FILE = "metrics.jsonl";

    private static final ObjectMapper JSON = new ObjectMapper();

    /** One line of the file. */
    public record Entry(long step, double epoch, Instant timestamp, Map<String, Double> metrics) {
        public Entry {
            metrics = Collections.unmodifiableMap(new LinkedHashMap<>(metrics));
        }
    }

    private final Path file;
    private final BufferedWriter writer;
    private final Clock clock;

    private MetricsSink(Path file, Clock clock) {
        this.file = file;
        this.clock = clock;
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            this.writer = Files.newBufferedWriter(file, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                    StandardOpenOption.APPEND, StandardOpenOption.WRITE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open " + file + ": " + e.getMessage(), e);
        }
    }

    /** Appends to {@code file} (created if absent). */
    public static MetricsSink open(Path file) {
        return new MetricsSink(file, Clock.systemUTC());
    }

    /** Like {@link #open} with a clock for the timestamps (tests). */
    public static MetricsSink open(Path file, Clock clock) {
        return new MetricsSink(file, clock);
    }

    /**
     * Continues a resumed run: lines logged after the checkpoint's step (work the resumed run will
     * redo) and a torn last line are removed, atomically, before appending.
     */
    public static MetricsSink resume(Path file, long checkpointStep, Clock clock) {
        if (Files.exists(file)) {
            StringBuilder kept = new StringBuilder();
            for (String line : lines(file)) {
                Entry e = parse(line);
                if (e != null && e.step() <= checkpointStep) {
                    kept.append(line).append('\n');
                }
            }
            AtomicFiles.writeString(file, kept.toString());
        }
        return new MetricsSink(file, clock);
    }

    public static MetricsSink resume(Path file, long checkpointStep) {
        return resume(file, checkpointStep, Clock.systemUTC());
    }

    public Path file() {
        return file;
    }

    /** Writes one line and flushes it. */
    public void log(long step, double epoch, Map<String, ? extends Number> metrics) {
        ObjectNode line = JSON.createObjectNode();
        line.put("step", step);
        line.put("epoch", epoch);
        line.put("timestamp", clock.instant().toString());
        ObjectNode values = line.putObject("metrics");
        metrics.forEach((k, v) -> {
            double d = v.doubleValue();
            if (Double.isFinite(d)) {
                values.put(k, d);
            } else {
                values.putNull(k);
            }
        });
        try {
            writer.write(JSON.writeValueAsString(line));
            writer.write('\n');
            writer.flush();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }

    /** Every complete line of a metrics file, in order. */
    public static List<Entry> read(Path file) {
        List<Entry> out = new ArrayList<>();
        for (String line : lines(file)) {
            Entry e = parse(line);
            if (e != null) {
                out.add(e);
            }
        }
        return out;
    }

    private static List<String> lines(Path file) {
        try {
            return Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException(file + ": no metrics file (has the run logged anything yet?)");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    /** A line, or null when it is blank or torn (a crash while it was written). */
    private static Entry parse(String line) {
        if (line.isBlank()) {
            return null;
        }
        JsonNode node;
        try {
            node = JSON.readTree(line);
        } catch (JsonProcessingException e) {
            return null;
        }
        if (node == null || !node.has("step") || !node.path("metrics").isObject()) {
            return null;
        }
        Map<String, Double> metrics = new LinkedHashMap<>();
        node.get("metrics").fields().forEachRemaining(f ->
                metrics.put(f.getKey(), f.getValue().isNumber() ? f.getValue().doubleValue() : Double.NaN));
        Instant time = node.hasNonNull("timestamp") ? Instant.parse(node.get("timestamp").asText()) : Instant.EPOCH;
        return new Entry(node.get("step").asLong(), node.path("epoch").asDouble(), time, metrics);
    }

    @Override
    public void close() {
        try {
            writer.close();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot close " + file + ": " + e.getMessage(), e);
        }
    }
}
