package trl4j.data.debian;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** Stanzas, continuation lines, paragraph breaks and whitespace, in the layout of the real index. */
class TranslationFileTest {

    private static List<DebianDescription> parse(String text) {
        List<DebianDescription> out = new ArrayList<>();
        TranslationFile.parse(new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)), "t", out::add);
        return out;
    }

    @Test
    void stanzasParagraphsAndVerbatimLines() {
        String index = """
                Package: 0ad-data
                Description-md5: 26581e685027d5ae84824362a4ba59ee
                Description-en: Real-time  strategy game of ancient warfare (data files)
                 0 A.D. (pronounced "zero ey-dee") is a free,
                 open-source, cross-platform real-time strategy game.
                 .
                 This package contains the main data files.

                Package: flasher
                Description-md5: 183c49f6505eb3432d1b069800f1f5b6
                Description-en: Open Free Fiasco Firmware Flasher
                 Supported operations include:
                  * generating\tFIASCO images
                  * flashing\u00a0devices
                 .
                 .
                 Supported are the N800 and N900.

                Package: short
                Description-md5: 00000000000000000000000000000000
                Description-en: only a synopsis
                """;
        List<DebianDescription> d = parse(index);
        assertEquals(3, d.size());
        assertEquals("0ad-data", d.get(0).packageName());
        assertEquals("Real-time strategy game of ancient warfare (data files)", d.get(0).synopsis());
        assertEquals(List.of("0 A.D. (pronounced \"zero ey-dee\") is a free, open-source, cross-platform real-time strategy game.",
                "This package contains the main data files."), d.get(0).paragraphs());
        assertEquals("0 A.D. (pronounced \"zero ey-dee\") is a free, open-source, cross-platform real-time strategy game.\n"
                + "This package contains the main data files.", d.get(0).document());
        assertEquals(List.of("Supported operations include: * generating FIASCO images * flashing devices",
                "Supported are the N800 and N900."), d.get(1).paragraphs());
        assertEquals("", d.get(2).document());
        assertEquals("only a synopsis", d.get(2).synopsis());
    }

    @Test
    void whitespaceNormalisationEqualsUnicodeWhiteSpaceRegex() {
        Pattern reference = Pattern.compile("\\s+", Pattern.UNICODE_CHARACTER_CLASS);
        for (int c = 0; c <= 0xFFFF; c++) {
            if (Character.isSurrogate((char) c)) {
                continue;
            }
            String s = " a" + (char) c + (char) c + "b ";
            String collapsed = reference.matcher(s).replaceAll(" "); // " a…b ": one space at each end
            String want = collapsed.substring(1, collapsed.length() - 1);
            assertEquals(want, TranslationFile.normaliseWhitespace(s), "U+" + Integer.toHexString(c));
        }
    }
}
