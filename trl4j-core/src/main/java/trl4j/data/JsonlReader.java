package trl4j.data;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.InputStream;
import java.util.NoSuchElementException;

/** JSON Lines: one object per line; blank lines are ignored, any other line is a row. */
final class JsonlReader implements RowReader {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final String file;
    private final Utf8Lines lines;
    private RawRecord next;

    JsonlReader(String file, InputStream in) {
        this.file = file;
        this.lines = new Utf8Lines(in);
    }

    @Override
    public boolean hasNext() {
        while (next == null) {
            Utf8Lines.Line line = lines.next();
            if (line == null) {
                return false;
            }
            if (!line.text().isBlank()) {
                next = parse(line);
            }
        }
        return true;
    }

    private RawRecord parse(Utf8Lines.Line line) {
        Location at = Location.line(file, line.number());
        if (!line.validUtf8()) {
            return new BadRow(at, BadRowReason.INVALID_UTF8, "the line is not valid UTF-8");
        }
        JsonNode node;
        try {
            node = JSON.readTree(line.text());
        } catch (JsonProcessingException e) {
            return new BadRow(at, BadRowReason.MALFORMED_JSON, e.getOriginalMessage());
        }
        if (!(node instanceof ObjectNode object)) {
            return new BadRow(at, BadRowReason.WRONG_TYPE, "the line is a JSON " + node.getNodeType().name().toLowerCase(
                    java.util.Locale.ROOT) + ", expected an object");
        }
        return new RawRow(at, object);
    }

    @Override
    public RawRecord next() {
        if (!hasNext()) {
            throw new NoSuchElementException();
        }
        RawRecord r = next;
        next = null;
        return r;
    }

    @Override
    public void close() {
        lines.close();
    }
}
