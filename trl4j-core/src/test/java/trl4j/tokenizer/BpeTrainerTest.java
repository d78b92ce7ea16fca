package trl4j.tokenizer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Byte-level mapping, GPT-2 pre-tokenisation and merges on corpora small enough to work out by hand. */
class BpeTrainerTest {

    @TempDir
    Path dir;

    @Test
    void gpt2ByteToUnicodeMapping() {
        assertEquals('a', ByteLevel.byteChar('a'));
        assertEquals('\u0100', ByteLevel.byteChar(0x00)); // the first non-printable byte
        assertEquals('\u010A', ByteLevel.byteChar('\n')); // Ċ
        assertEquals('\u0120', ByteLevel.byteChar(' '));  // Ġ
        assertEquals('\u0121', ByteLevel.byteChar(0x7F)); // ġ
        assertEquals('\u0143', ByteLevel.byteChar(0xAD)); // Ń, the last one
        assertEquals('\u00AE', ByteLevel.byteChar(0xAE));
        for (int b = 0; b < 256; b++) {
            assertEquals(b, ByteLevel.byteOf(ByteLevel.byteChar(b)));
        }
        assertEquals("Ġcaf\u00C3\u00A9", ByteLevel.encodeBytes(" café"));
    }

    @Test
    void gpt2PreTokenisation() {
        assertEquals(List.of("Hello", " world", "'s", " 123", " ", " x", "!!", "\n"),
                ByteLevel.preTokenize("Hello world's 123  x!!\n"));
    }

    @Test
    void mergesFollowCountsThenSmallerIds() throws IOException {
        // Words "ab", " ab", " ab", " ac" → ab, Ġab, Ġab, Ġac. Pairs: (a,b) 3, (Ġ,a) 3, (a,c) 1.
        // Tie at 3: (Ġ,a) has the smaller ids (Ġ is byte 32, a is 97) → "Ġ a" first; then (Ġa,b) 2 → "Ġa b";
        // then (a,b) 1 and (Ġa,c) 1: (a,b) has the smaller ids.
        BpeTrainerConfig config = new BpeTrainerConfig(3 + 256 + 4, "<pad>", "<eos>", "<unk>", null, List.of(), 1);
        BpeTrainer trainer = new BpeTrainer(config);
        trainer.add("ab ab ab ac");
        TrainedBpe bpe = trainer.train();
        assertEquals(List.of("Ġ a", "Ġa b", "a b", "Ġa c"), bpe.merges());
        assertEquals(List.of("Ġa", "Ġab", "ab", "Ġac"), bpe.tokens().subList(259, 263));
        assertEquals(4, bpe.stats().preTokens());
        assertEquals(3, bpe.stats().distinctWords());

        // min frequency 2 stops after the two merges seen at least twice
        BpeTrainer frequent = new BpeTrainer(new BpeTrainerConfig(300, "<pad>", "<eos>", "<unk>", null, List.of(), 2));
        frequent.add("ab ab ab ac");
        assertEquals(List.of("Ġ a", "Ġa b"), frequent.train().merges());

        bpe.save(dir);
        try (Tokenizer tok = Tokenizer.load(dir)) {
            assertEquals(0, tok.padId());
            assertEquals(1, tok.eosId());
            assertEquals(2, tok.unkId());
            assertEquals(263, tok.vocabSize());
            assertArrayEquals(new long[] {261, 260, 262, 1}, tok.encode("ab ab ac<eos>", false));
            assertEquals("ab ab ac<eos>", tok.decode(tok.encode("ab ab ac<eos>", false), false));
            assertEquals("ab ab ac", tok.decode(tok.encode("ab ab ac<eos>", false), true));
        }
    }

    @Test
    void vocabularyHoldsEachStringOnceAndEveryMergeIsInIt() {
        BpeTrainer trainer = new BpeTrainer(new BpeTrainerConfig(3 + 256 + 20, "<pad>", "<eos>", "<unk>", null, List.of(), 1));
        trainer.add("abc abc abc abc bc bc bc xabc");
        TrainedBpe bpe = trainer.train();
        assertEquals(bpe.tokens().size(), new java.util.HashSet<>(bpe.tokens()).size());
        for (String merge : bpe.merges()) {
            String[] parts = merge.split(" ");
            assertEquals(true, bpe.tokens().contains(parts[0]) && bpe.tokens().contains(parts[1])
                    && bpe.tokens().contains(parts[0] + parts[1]), merge);
        }
    }

    @Test
    void configRejectsATooSmallVocabulary() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> BpeTrainerConfig.defaults().withVocabSize(200));
        assertEquals("vocab size 200 is below the 3 special + 256 byte tokens", e.getMessage());
    }
}
