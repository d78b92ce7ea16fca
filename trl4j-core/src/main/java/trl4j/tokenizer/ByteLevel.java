package trl4j.tokenizer;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * GPT-2's byte-level scheme, as Hugging Face {@code tokenizers}' {@code ByteLevel} pre-tokenizer and
 * decoder implement it: text is split by GPT-2's regex into words (a word keeps its leading space),
 * each word's UTF-8 bytes are written as printable characters (byte {@code b} → {@link #byteChar}),
 * and BPE then works on those characters. Every string is representable, so no unknown token is ever
 * needed and decoding returns the exact input.
 */
public final class ByteLevel {

    /**
     * GPT-2's pre-tokenisation: contractions, a letter run, a digit run or a punctuation run each with
     * an optional leading space, and whitespace (a run before a non-space leaves its last space to the
     * next word).
     */
    static final Pattern GPT2_SPLIT = Pattern.compile(
            "'s|'t|'re|'ve|'m|'ll|'d| ?\\p{L}+| ?\\p{N}+| ?[^\\s\\p{L}\\p{N}]+|\\s+(?!\\S)|\\s+",
            Pattern.UNICODE_CHARACTER_CLASS);

    private static final char[] BYTE_TO_CHAR = byteToChar();
    /** The inverse map; byte-level characters are all below U+0144. */
    private static final int[] CHAR_TO_BYTE = charToByte();

    private ByteLevel() {}

    /**
     * GPT-2's {@code bytes_to_unicode}: the printable bytes {@code !..~}, {@code ¡..¬} and {@code ®..ÿ}
     * stand for themselves; the other 68 bytes (controls, space, DEL, NBSP, soft hyphen) are moved to
     * U+0100 onwards in byte order, so space becomes {@code Ġ} and newline {@code Ċ}.
     */
    private static char[] byteToChar() {
        char[] map = new char[256];
        int next = 256;
        for (int b = 0; b < 256; b++) {
            boolean printable = (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF);
            map[b] = printable ? (char) b : (char) next++;
        }
        return map;
    }

    private static int[] charToByte() {
        int[] map = new int[0x144];
        Arrays.fill(map, -1);
        for (int b = 0; b < 256; b++) {
            map[BYTE_TO_CHAR[b]] = b;
        }
        return map;
    }

    /** The byte a byte-level character stands for. */
    public static int byteOf(char c) {
        int b = c < CHAR_TO_BYTE.length ? CHAR_TO_BYTE[c] : -1;
        if (b < 0) {
            throw new IllegalArgumentException("not a byte-level character: U+" + Integer.toHexString(c));
        }
        return b;
    }

    /** The character that stands for byte {@code b} (0–255). */
    public static char byteChar(int b) {
        return BYTE_TO_CHAR[b & 0xff];
    }

    /** Splits text into GPT-2 pre-tokens (words with their leading space). */
    public static List<String> preTokenize(String text) {
        List<String> out = new ArrayList<>();
        Matcher m = GPT2_SPLIT.matcher(text);
        while (m.find()) {
            out.add(m.group());
        }
        return out;
    }

    /** A pre-token's UTF-8 bytes as byte-level characters. */
    public static String encodeBytes(String word) {
        byte[] bytes = word.getBytes(StandardCharsets.UTF_8);
        char[] chars = new char[bytes.length];
        for (int i = 0; i < bytes.length; i++) {
            chars[i] = byteChar(bytes[i]);
        }
        return new String(chars);
    }
}
