package trl4j.tokenizer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import trl4j.data.Comparison;
import trl4j.data.PromptCompletion;
import trl4j.data.ReadOptions;
import trl4j.data.TextCorpus;
import trl4j.data.debian.DebianTldr;

/**
 * The default tokenizer (vocab 8192) trained on the debian-tldr training text: DJL loads it,
 * decode(encode(x)) == x on every text of every split, HF applies the merges in our rank order, and
 * training is deterministic.
 */
class BpeDebianTldrTest {

    @TempDir
    static Path dir;
    static Path data;
    static TrainedBpe bpe;
    static Tokenizer tokenizer;

    @BeforeAll
    static void train() throws IOException {
        data = DebianTldr.locate(Path.of(System.getProperty("basedir", "")));
        BpeTrainer trainer = new BpeTrainer(BpeTrainerConfig.defaults());
        TextCorpus.forEachText(DebianTldr.split(data, "train"), ReadOptions.defaults(), trainer::add);
        bpe = trainer.train();
        bpe.save(dir.resolve("tok"));
        tokenizer = Tokenizer.load(dir.resolve("tok"));
    }

    @AfterAll
    static void close() {
        tokenizer.close();
    }

    @Test
    void fullVocabularyAndSpecialTokens() {
        assertEquals(8192, tokenizer.vocabSize());
        assertEquals(0, tokenizer.padId());
        assertEquals(1, tokenizer.eosId());
        assertEquals(2, tokenizer.unkId());
        assertEquals("<eos>", tokenizer.specialTokens().eos());
        assertArrayEquals(new long[] {1}, tokenizer.encode("<eos>", false));
    }

    @Test
    void roundTripOnEveryTextOfEverySplit() {
        List<String> texts = new ArrayList<>();
        for (String split : DebianTldr.SPLITS) {
            for (PromptCompletion p : DebianTldr.pairs(data, split)) {
                texts.add(p.prompt());
                texts.add(p.completion());
            }
            for (Comparison c : DebianTldr.comparisons(data, split)) {
                texts.add(c.rejected());
            }
        }
        texts.addAll(List.of("naïve café — 中文 ✓ 🙂", "\ttabs\r\nand  double  spaces ", " <pad>literal<unk> ", "\u0000\u007f"));
        int failures = 0;
        String first = null;
        for (int i = 0; i < texts.size(); i += 2048) {
            List<String> batch = texts.subList(i, Math.min(texts.size(), i + 2048));
            long[][] ids = tokenizer.encodeBatch(batch, false);
            for (int j = 0; j < batch.size(); j++) {
                if (!tokenizer.decode(ids[j], false).equals(batch.get(j))) {
                    failures++;
                    first = first == null ? batch.get(j) : first;
                }
            }
        }
        assertEquals(0, failures, failures + " of " + texts.size() + " texts do not round-trip, e.g. " + first);
        assertTrue(texts.size() > 3 * 44_000, "all rows: " + texts.size());
    }

    @Test
    void huggingFaceAppliesTheMergesInOurRankOrder() {
        Map<String, Integer> rank = new HashMap<>();
        for (int i = 0; i < bpe.merges().size(); i++) {
            rank.put(bpe.merges().get(i), i);
        }
        Map<String, Integer> id = new HashMap<>();
        for (int i = 0; i < bpe.tokens().size(); i++) {
            id.put(bpe.tokens().get(i), i);
        }
        int compared = 0;
        for (PromptCompletion p : DebianTldr.pairs(data, "validation")) {
            String text = p.completion();
            if (!text.chars().allMatch(c -> c < 128)) {
                continue; // Java's and Oniguruma's \p classes agree on ASCII; that is all this check needs
            }
            List<Long> want = new ArrayList<>();
            for (String word : ByteLevel.preTokenize(text)) {
                for (String token : mergeByRank(ByteLevel.encodeBytes(word), rank)) {
                    want.add((long) id.get(token));
                }
            }
            assertArrayEquals(want.stream().mapToLong(Long::longValue).toArray(), tokenizer.encode(text, false), text);
            compared++;
        }
        assertTrue(compared > 2000, "compared " + compared);
    }

    /** Textbook BPE encoding: repeatedly merge the adjacent pair of lowest rank. */
    private static List<String> mergeByRank(String word, Map<String, Integer> rank) {
        List<String> symbols = new ArrayList<>();
        word.chars().forEach(c -> symbols.add(String.valueOf((char) c)));
        while (true) {
            int best = -1;
            int bestRank = Integer.MAX_VALUE;
            for (int i = 0; i + 1 < symbols.size(); i++) {
                Integer r = rank.get(symbols.get(i) + " " + symbols.get(i + 1));
                if (r != null && r < bestRank) {
                    bestRank = r;
                    best = i;
                }
            }
            if (best < 0) {
                return symbols;
            }
            symbols.set(best, symbols.get(best) + symbols.remove(best + 1));
        }
    }

    @Test
    void sameTextGivesByteIdenticalFilesWhateverTheOrder() throws IOException {
        List<String> texts = new ArrayList<>();
        TextCorpus.forEachText(DebianTldr.split(data, "validation"), ReadOptions.defaults(), texts::add);
        BpeTrainer a = new BpeTrainer(BpeTrainerConfig.defaults().withVocabSize(2000));
        texts.forEach(a::add);
        a.train().save(dir.resolve("a"));
        Collections.reverse(texts);
        BpeTrainer b = new BpeTrainer(BpeTrainerConfig.defaults().withVocabSize(2000));
        texts.forEach(b::add);
        b.train().save(dir.resolve("b"));
        for (String f : List.of("tokenizer.json", "tokenizer_config.json", "special_tokens_map.json")) {
            assertArrayEquals(Files.readAllBytes(dir.resolve("a").resolve(f)), Files.readAllBytes(dir.resolve("b").resolve(f)), f);
        }
    }
}
