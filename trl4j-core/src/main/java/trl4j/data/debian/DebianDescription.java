package trl4j.data.debian;

import java.util.List;

/**
 * One stanza of a Debian {@code Translation-en} file: the package, the synopsis (first line of
 * {@code Description-en}) and the long description as paragraphs, whitespace already normalised.
 */
public record DebianDescription(String packageName, String synopsis, List<String> paragraphs) {
    public DebianDescription {
        if (packageName == null || packageName.isBlank()) {
            throw new IllegalArgumentException("a stanza needs a Package field");
        }
        synopsis = synopsis == null ? "" : synopsis;
        paragraphs = List.copyOf(paragraphs);
    }

    /** The long description: paragraphs separated by one line break. */
    public String document() {
        return String.join("\n", paragraphs);
    }

    public String firstParagraph() {
        return paragraphs.isEmpty() ? "" : paragraphs.get(0);
    }
}
