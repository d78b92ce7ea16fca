package trl4j.data.debian;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * Parses Debian's {@code Translation-en} index (deb822 stanzas separated by blank lines with
 * {@code Package}, {@code Description-md5} and {@code Description-en}). Per Debian policy §5.6.13 the
 * first line of {@code Description-en} is the synopsis; continuation lines start with a space, a line
 * {@code " ."} separates paragraphs, and lines with two leading spaces are shown verbatim. We join each
 * paragraph's lines with spaces and collapse all whitespace (verbatim layout such as bullet lists is
 * not kept: the text, not its terminal layout, is what a summariser reads).
 */
public final class TranslationFile {

    private TranslationFile() {}

    /** Calls {@code sink} for every stanza, in file order (the caller closes {@code in}). */
    public static void parse(InputStream in, String fileName, Consumer<DebianDescription> sink) {
        var decoder = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT);
        BufferedReader reader = new BufferedReader(new InputStreamReader(in, decoder), 1 << 16);
        try {
            Stanza stanza = new Stanza();
            String line;
            long number = 0;
            while ((line = reader.readLine()) != null) {
                number++;
                if (line.isBlank()) {
                    stanza.emit(sink);
                    stanza = new Stanza();
                } else if (line.charAt(0) == ' ' || line.charAt(0) == '\t') {
                    stanza.continuation(line, fileName, number);
                } else {
                    stanza.field(line, fileName, number);
                }
            }
            stanza.emit(sink);
        } catch (IOException e) {
            throw new UncheckedIOException(fileName + ": " + e.getMessage(), e);
        }
    }

    /**
     * Collapses runs of Unicode White_Space (spaces of every width, no-break spaces, tabs, line breaks)
     * into one space and strips the ends. A hand loop: the regex equivalent costs seconds on the index.
     */
    public static String normaliseWhitespace(String s) {
        StringBuilder b = new StringBuilder(s.length());
        boolean pendingSpace = false;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (isWhiteSpace(c)) {
                pendingSpace = b.length() > 0;
            } else {
                if (pendingSpace) {
                    b.append(' ');
                    pendingSpace = false;
                }
                b.append(c);
            }
        }
        return b.toString();
    }

    /** Unicode's White_Space property: Zs, Zl, Zp, tab, LF, VT, FF, CR and NEL. */
    static boolean isWhiteSpace(char c) {
        if (c <= ' ') {
            return c == ' ' || (c >= '\t' && c <= '\r');
        }
        return c == '\u0085' || Character.isSpaceChar(c);
    }

    /** A stanza being read: its package, synopsis and description lines. */
    private static final class Stanza {
        private String packageName;
        private String synopsis;
        private boolean inDescription;
        private final List<String> paragraphs = new ArrayList<>();
        private final StringBuilder paragraph = new StringBuilder();

        void field(String line, String file, long number) {
            int colon = line.indexOf(':');
            if (colon <= 0) {
                throw new IllegalArgumentException(file + ":" + number + ": expected 'Field: value', got '" + line + "'");
            }
            String name = line.substring(0, colon);
            String value = line.substring(colon + 1).strip();
            inDescription = name.equals("Description-en");
            if (name.equals("Package")) {
                packageName = value;
            } else if (inDescription) {
                synopsis = normaliseWhitespace(value);
            }
        }

        void continuation(String line, String file, long number) {
            if (!inDescription) {
                return; // continuation of another multi-line field: not ours
            }
            String text = line.substring(1);
            if (text.strip().equals(".")) {
                endParagraph();
            } else {
                paragraph.append(' ').append(text);
            }
        }

        private void endParagraph() {
            String p = normaliseWhitespace(paragraph.toString());
            if (!p.isEmpty()) {
                paragraphs.add(p);
            }
            paragraph.setLength(0);
        }

        void emit(Consumer<DebianDescription> sink) {
            if (packageName == null) {
                return;
            }
            endParagraph();
            sink.accept(new DebianDescription(packageName, synopsis, paragraphs));
        }
    }
}
