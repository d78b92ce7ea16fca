package trl4j.data;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.function.Consumer;

/**
 * The texts of a file for tokenizer training: a plain text file gives its non-blank lines; a data
 * file gives what a model will read, its prompts and completions (or prompts, chosen and rejected), in
 * the layout the schema adapters produce. Bad rows are skipped and counted.
 */
public final class TextCorpus {

    private TextCorpus() {}

    /** Feeds every text to {@code sink}; returns the reading summary (null for a plain text file). */
    public static ReadSummary forEachText(Path file, ReadOptions options, Consumer<String> sink) {
        if (TextColumn.isPlainText(file)) {
            try (Utf8Lines lines = new Utf8Lines(Compression.open(file))) {
                for (Utf8Lines.Line line = lines.next(); line != null; line = lines.next()) {
                    if (!line.validUtf8()) {
                        throw new IllegalArgumentException(file + ":" + line.number() + ": invalid UTF-8");
                    }
                    if (!line.text().isBlank()) {
                        sink.accept(line.text());
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException(file + ": " + e.getMessage(), e);
            }
            return null;
        }
        Schema schema = Datasets.schemaOf(file, options);
        if (schema.task(options.fields()) == Schema.Task.PAIRS) {
            try (Examples<PromptCompletion> rows = Datasets.pairs(file, options.withSchemaKept(schema))) {
                rows.forEachRemaining(p -> {
                    sink.accept(p.prompt());
                    sink.accept(p.completion());
                });
                return rows.summary();
            }
        }
        try (Examples<Comparison> rows = Datasets.comparisons(file, options.withSchemaKept(schema))) {
            rows.forEachRemaining(c -> {
                sink.accept(c.prompt());
                sink.accept(c.chosen());
                sink.accept(c.rejected());
            });
            return rows.summary();
        }
    }
}
