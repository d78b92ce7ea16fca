package trl4j.data.debian;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Makes the rejected side of the debian-tldr comparisons: for the i-th row of a split, kind number
 * {@code i mod 5} (the next applicable one when it cannot apply), randomised by a generator seeded
 * from the row's id, so the result is reproducible and the kinds are balanced. Negatives only use rows
 * of the same split, so comparisons leak no text across splits.
 */
final class HardNegatives {

    /** Record of one negative. */
    record Negative(NegativeKind kind, String text) {}

    private static final NegativeKind[] KINDS = NegativeKind.values();
    /** How often to draw a related package before falling back to alphabetical neighbours. */
    private static final int RELATED_DRAWS = 20;
    /** How far to look for a neighbour in another group. */
    private static final int NEIGHBOUR_REACH = 50;

    private final List<DebianRow> rows;
    private final Map<String, List<Integer>> byPrefix = new HashMap<>();

    HardNegatives(List<DebianRow> rows) {
        this.rows = rows;
        for (int i = 0; i < rows.size(); i++) {
            byPrefix.computeIfAbsent(prefix(rows.get(i).packageName()), k -> new ArrayList<>()).add(i);
        }
    }

    /** The ecosystem part of a package name: {@code python3-foo → python3}, {@code golang-x-y → golang}. */
    static String prefix(String packageName) {
        int cut = packageName.indexOf('-');
        return cut > 0 ? packageName.substring(0, cut) : packageName;
    }

    Negative make(int index) {
        DebianRow row = rows.get(index);
        SplitMix64 rng = new SplitMix64(seed(row.id()));
        for (int k = 0; k < KINDS.length; k++) {
            NegativeKind kind = KINDS[(index + k) % KINDS.length];
            String text = switch (kind) {
                case RELATED_SYNOPSIS -> related(index, rng);
                case DROPPED_WORDS -> dropped(words(row.summary()), rng);
                case DUPLICATED_WORDS -> duplicated(words(row.summary()), rng);
                case SHUFFLED_WORDS -> shuffled(words(row.summary()), rng);
                case LEAD_COPY -> leadCopy(row);
            };
            if (text != null && !text.equalsIgnoreCase(row.summary())) {
                return new Negative(kind, text);
            }
        }
        throw new IllegalStateException("no negative for " + row.id()); // LEAD_COPY always applies
    }

    private String related(int index, SplitMix64 rng) {
        DebianRow row = rows.get(index);
        List<Integer> same = byPrefix.get(prefix(row.packageName()));
        for (int draw = 0; draw < RELATED_DRAWS && same.size() > 1; draw++) {
            DebianRow other = rows.get(same.get(rng.nextInt(same.size())));
            if (usable(row, other)) {
                return other.summary();
            }
        }
        for (int d = 1; d <= NEIGHBOUR_REACH; d++) {
            for (int j : new int[] {index - d, index + d}) {
                if (j >= 0 && j < rows.size() && usable(row, rows.get(j))) {
                    return rows.get(j).summary();
                }
            }
        }
        return null;
    }

    private static boolean usable(DebianRow row, DebianRow other) {
        return !other.group().equals(row.group()) && !other.summary().equalsIgnoreCase(row.summary());
    }

    private static String dropped(String[] words, SplitMix64 rng) {
        if (words.length < 3) {
            return null;
        }
        int drop = Math.max(1, Math.round(words.length / 3.0f));
        List<String> kept = new ArrayList<>(Arrays.asList(words));
        for (int i = 0; i < drop; i++) {
            kept.remove(rng.nextInt(kept.size()));
        }
        return String.join(" ", kept);
    }

    private static String duplicated(String[] words, SplitMix64 rng) {
        List<String> out = new ArrayList<>(Arrays.asList(words));
        int times = words.length < 6 ? 1 : 2;
        for (int i = 0; i < times; i++) {
            int at = rng.nextInt(out.size());
            out.add(at + 1, out.get(at));
        }
        return String.join(" ", out);
    }

    private static String shuffled(String[] words, SplitMix64 rng) {
        String original = String.join(" ", words);
        String[] w = words.clone();
        for (int attempt = 0; attempt < 10; attempt++) {
            for (int i = w.length - 1; i > 0; i--) { // Fisher–Yates
                int j = rng.nextInt(i + 1);
                String t = w[i];
                w[i] = w[j];
                w[j] = t;
            }
            String s = String.join(" ", w);
            if (!s.equals(original)) {
                return s;
            }
        }
        return null;
    }

    /** The document's first max(25, 3 × synopsis length) words: plausible text, but no summary. */
    private static String leadCopy(DebianRow row) {
        String[] doc = words(row.document());
        int n = Math.min(doc.length, Math.max(25, 3 * words(row.summary()).length));
        return String.join(" ", Arrays.copyOf(doc, n));
    }

    /** Words split at whitespace (a hand loop: regex splitting showed up in profiles of the build). */
    static String[] words(String text) {
        List<String> out = new ArrayList<>();
        int start = -1;
        for (int i = 0; i <= text.length(); i++) {
            boolean space = i == text.length() || TranslationFile.isWhiteSpace(text.charAt(i));
            if (!space && start < 0) {
                start = i;
            } else if (space && start >= 0) {
                out.add(text.substring(start, i));
                start = -1;
            }
        }
        return out.toArray(new String[0]);
    }

    private static long seed(String id) {
        try {
            byte[] h = MessageDigest.getInstance("SHA-256").digest(("negative/" + id).getBytes(StandardCharsets.UTF_8));
            long s = 0;
            for (int i = 0; i < 8; i++) {
                s = (s << 8) | (h[i] & 0xff);
            }
            return s;
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required by every JDK", e);
        }
    }
}
