package trl4j.data;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Locale;
import java.util.NoSuchElementException;

/**
 * A JSON array of row objects, read element by element with Jackson's streaming parser. Each row is
 * located by the line its object starts on. A syntax error or invalid UTF-8 ends the file (the parser
 * cannot resynchronise inside an array), so it throws instead of skipping.
 */
final class JsonArrayReader implements RowReader {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final String file;
    private final JsonParser parser;
    private RawRecord next;
    private boolean done;

    JsonArrayReader(String file, InputStream in) {
        this.file = file;
        try {
            this.parser = JSON.createParser(in);
            JsonToken first = parser.nextToken();
            if (first != JsonToken.START_ARRAY) {
                throw new IllegalArgumentException(file + ":" + parser.currentLocation().getLineNr()
                        + ": expected a JSON array of row objects");
            }
        } catch (IOException e) {
            throw fatal(e);
        }
    }

    @Override
    public boolean hasNext() {
        if (next != null) {
            return true;
        }
        if (done) {
            return false;
        }
        try {
            JsonToken token = parser.nextToken();
            if (token == JsonToken.END_ARRAY || token == null) {
                done = true;
                return false;
            }
            Location at = Location.line(file, parser.currentTokenLocation().getLineNr());
            JsonNode node = JSON.readTree(parser);
            next = node instanceof ObjectNode object ? new RawRow(at, object)
                    : new BadRow(at, BadRowReason.WRONG_TYPE, "the element is a JSON "
                            + node.getNodeType().name().toLowerCase(Locale.ROOT) + ", expected an object");
            return true;
        } catch (IOException e) {
            throw fatal(e);
        }
    }

    private IllegalArgumentException fatal(IOException e) {
        if (e instanceof com.fasterxml.jackson.core.JsonProcessingException j) {
            String what = j instanceof com.fasterxml.jackson.core.io.JsonEOFException ? "truncated JSON"
                    : j.getOriginalMessage().contains("UTF-8") ? "invalid UTF-8" : "malformed JSON";
            long line = j.getLocation() == null ? 0 : j.getLocation().getLineNr();
            return new IllegalArgumentException(file + ":" + line + ": " + what + " (" + j.getOriginalMessage()
                    + "); a JSON array cannot be read past this point");
        }
        throw new UncheckedIOException(file + ": " + e.getMessage(), e);
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
        try {
            parser.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
