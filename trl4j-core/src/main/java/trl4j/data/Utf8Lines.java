package trl4j.data;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Physical lines of a byte stream, decoded strictly as UTF-8 one line at a time, so an invalid byte
 * sequence marks one line bad instead of being replaced silently or ending the file. Lines end at
 * {@code \n}; a trailing {@code \r} and a leading byte-order mark are dropped. Only one line is held
 * in memory.
 */
final class Utf8Lines implements AutoCloseable {

    /** One physical line; {@code validUtf8=false} means {@code text} holds U+FFFD replacements. */
    record Line(long number, String text, boolean validUtf8) {}

    private final InputStream in;
    /** Bytes read from the stream but not yet returned: {@code chunk[pos, limit)}. */
    private final byte[] chunk = new byte[1 << 16];
    private int pos;
    private int limit;
    private final ByteArrayOutputStream buffer = new ByteArrayOutputStream(256);
    private final CharsetDecoder strict = StandardCharsets.UTF_8.newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT);
    private long number;
    private boolean eof;

    Utf8Lines(InputStream in) {
        this.in = in;
    }

    /** The next line, or null at the end of the stream. */
    Line next() {
        if (eof) {
            return null;
        }
        buffer.reset();
        boolean newline = false;
        try {
            while (!newline) {
                if (pos == limit) {
                    limit = in.read(chunk, 0, chunk.length);
                    pos = 0;
                    if (limit <= 0) {
                        limit = 0;
                        eof = true;
                        break;
                    }
                }
                int end = pos;
                while (end < limit && chunk[end] != '\n') {
                    end++;
                }
                buffer.write(chunk, pos, end - pos);
                newline = end < limit;
                pos = newline ? end + 1 : end;
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (!newline && buffer.size() == 0) {
            return null;
        }
        number++;
        byte[] bytes = buffer.toByteArray();
        int start = number == 1 && bytes.length >= 3 && (bytes[0] & 0xff) == 0xef && (bytes[1] & 0xff) == 0xbb
                && (bytes[2] & 0xff) == 0xbf ? 3 : 0;
        int end = bytes.length > start && bytes[bytes.length - 1] == '\r' ? bytes.length - 1 : bytes.length;
        ByteBuffer slice = ByteBuffer.wrap(bytes, start, end - start);
        try {
            CharBuffer chars = strict.reset().decode(slice);
            return new Line(number, chars.toString(), true);
        } catch (CharacterCodingException e) {
            return new Line(number, new String(bytes, start, end - start, StandardCharsets.UTF_8), false);
        }
    }

    @Override
    public void close() {
        try {
            in.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
