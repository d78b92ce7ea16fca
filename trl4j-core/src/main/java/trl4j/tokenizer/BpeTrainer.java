package trl4j.tokenizer;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;

/**
 * Trains a byte-level BPE tokenizer (GPT-2's scheme, Sennrich et al. 2016) from text: count the
 * GPT-2 pre-tokens, start from the 256 byte tokens, and repeatedly merge the most frequent adjacent
 * pair until the vocabulary is full. Pair counts are kept over the distinct words (weighted by word
 * frequency) and updated incrementally: a merge only revisits the words that contain the merged pair,
 * and a priority queue with lazy deletion finds the next best pair. Ties go to the pair with the
 * smaller token ids, so the same text always yields the same tokenizer.
 *
 * <pre>{@code
 * BpeTrainer trainer = new BpeTrainer(BpeTrainerConfig.defaults());
 * texts.forEach(trainer::add);
 * trainer.train().save(dir);   // tokenizer.json, tokenizer_config.json, special_tokens_map.json
 * }</pre>
 */
public final class BpeTrainer {

    private final BpeTrainerConfig config;
    /** Byte-level word → its count, filled by {@link #add}. */
    private final Map<String, int[]> wordCounts = new HashMap<>();
    private long preTokens;

    public BpeTrainer(BpeTrainerConfig config) {
        this.config = config;
    }

    /** Counts one text's pre-tokens. */
    public void add(String text) {
        var m = ByteLevel.GPT2_SPLIT.matcher(text);
        while (m.find()) {
            wordCounts.computeIfAbsent(ByteLevel.encodeBytes(m.group()), w -> new int[1])[0]++;
            preTokens++;
        }
    }

    /** Pre-tokens counted so far. */
    public long preTokens() {
        return preTokens;
    }

    /** A pair of adjacent tokens: its weighted count and the words it may occur in (possibly stale). */
    private static final class PairStats {
        final int left;
        final int right;
        long count;
        int[] words = new int[4];
        int size;

        PairStats(int left, int right) {
            this.left = left;
            this.right = right;
        }

        void addWord(int w) {
            if (size > 0 && words[size - 1] == w) {
                return; // consecutive duplicates only: a word is visited once per merge anyway
            }
            if (size == words.length) {
                words = Arrays.copyOf(words, size * 2);
            }
            words[size++] = w;
        }
    }

    /** A queue entry; stale when the pair's count has changed since it was pushed. */
    private record Candidate(long count, int left, int right) {}

    private static final Comparator<Candidate> BEST_FIRST = Comparator.comparingLong(Candidate::count).reversed()
            .thenComparingInt(Candidate::left).thenComparingInt(Candidate::right);

    private static long key(int left, int right) {
        return ((long) left << 32) | (right & 0xffffffffL);
    }

    /** Runs the merges and returns the vocabulary and merge list. */
    public TrainedBpe train() {
        long start = System.nanoTime();
        List<String> tokens = new ArrayList<>(config.specialTokens());
        Map<String, Integer> ids = new HashMap<>();
        for (int i = 0; i < tokens.size(); i++) {
            ids.put(tokens.get(i), i);
        }
        int[] byteIds = new int[256];
        for (int b = 0; b < 256; b++) {
            String ch = String.valueOf(ByteLevel.byteChar(b));
            byteIds[b] = ids.computeIfAbsent(ch, c -> {
                tokens.add(c);
                return tokens.size() - 1;
            });
        }

        // The distinct words in a fixed (sorted) order, as token-id sequences.
        String[] words = wordCounts.keySet().toArray(new String[0]);
        Arrays.sort(words);
        int[][] symbols = new int[words.length][];
        int[] freq = new int[words.length];
        Map<Long, PairStats> pairs = new HashMap<>();
        for (int w = 0; w < words.length; w++) {
            String word = words[w];
            freq[w] = wordCounts.get(word)[0];
            int[] s = new int[word.length()];
            for (int i = 0; i < s.length; i++) {
                s[i] = byteIds[ByteLevel.byteOf(word.charAt(i))];
            }
            symbols[w] = s;
            for (int i = 0; i + 1 < s.length; i++) {
                PairStats p = pairs.computeIfAbsent(key(s[i], s[i + 1]), k -> new PairStats((int) (k >> 32), (int) (long) k));
                p.count += freq[w];
                p.addWord(w);
            }
        }
        PriorityQueue<Candidate> queue = new PriorityQueue<>(BEST_FIRST);
        pairs.values().forEach(p -> queue.add(new Candidate(p.count, p.left, p.right)));

        List<String> merges = new ArrayList<>();
        int[] visited = new int[words.length];
        Arrays.fill(visited, -1);
        while (tokens.size() < config.vocabSize() && !queue.isEmpty()) {
            Candidate best = queue.poll();
            PairStats pair = pairs.get(key(best.left(), best.right()));
            if (pair == null || pair.count != best.count()) {
                continue; // stale entry
            }
            if (pair.count < config.minFrequency()) {
                break;
            }
            String merged = tokens.get(pair.left) + tokens.get(pair.right);
            int newId = ids.computeIfAbsent(merged, t -> {
                tokens.add(t);
                return tokens.size() - 1;
            });
            merges.add(tokens.get(pair.left) + " " + tokens.get(pair.right));
            Map<Long, Long> delta = new HashMap<>();
            int mergeIndex = merges.size();
            for (int k = 0; k < pair.size; k++) {
                int w = pair.words[k];
                if (visited[w] == mergeIndex) {
                    continue;
                }
                visited[w] = mergeIndex;
                int[] s = symbols[w];
                int[] merged2 = mergePair(s, pair.left, pair.right, newId);
                if (merged2 == null) {
                    continue; // a stale word: an earlier merge consumed the pair here
                }
                for (int i = 0; i + 1 < s.length; i++) {
                    delta.merge(key(s[i], s[i + 1]), (long) -freq[w], Long::sum);
                }
                for (int i = 0; i + 1 < merged2.length; i++) {
                    long kk = key(merged2[i], merged2[i + 1]);
                    delta.merge(kk, (long) freq[w], Long::sum);
                    if (merged2[i] == newId || merged2[i + 1] == newId) {
                        pairs.computeIfAbsent(kk, x -> new PairStats((int) (x >> 32), (int) (long) x)).addWord(w);
                    }
                }
                symbols[w] = merged2;
            }
            delta.forEach((kk, d) -> {
                if (d == 0) {
                    return;
                }
                PairStats p = pairs.computeIfAbsent(kk, x -> new PairStats((int) (x >> 32), (int) (long) x));
                p.count += d;
                if (p.count > 0) {
                    queue.add(new Candidate(p.count, p.left, p.right));
                } else {
                    pairs.remove(kk); // no word holds it any more
                }
            });
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        return new TrainedBpe(config, tokens, merges, new TrainedBpe.Stats(preTokens, words.length, merges.size(), seconds));
    }

    /** The sequence with every non-overlapping (left, right), scanned left to right, replaced; null if none. */
    private static int[] mergePair(int[] s, int left, int right, int merged) {
        int[] out = null;
        int n = 0;
        for (int i = 0; i < s.length; i++) {
            if (i + 1 < s.length && s[i] == left && s[i + 1] == right) {
                if (out == null) {
                    out = new int[s.length - 1];
                    System.arraycopy(s, 0, out, 0, i);
                    n = i;
                }
                out[n++] = merged;
                i++;
            } else if (out != null) {
                out[n++] = s[i];
            }
        }
        return out == null ? null : Arrays.copyOf(out, n);
    }
}
