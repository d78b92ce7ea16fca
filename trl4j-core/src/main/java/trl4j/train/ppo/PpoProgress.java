package trl4j.train.ppo;

import java.io.PrintStream;
import java.util.Locale;
import java.util.Map;

/**
 * The PPO progress line: iteration/total, a bar, the mean score, KL, β, loss, seconds per iteration and
 * ETA. Redrawn in place on a terminal; plain lines otherwise (logs, CI), at most every 30 s and at the end.
 *
 * <pre>ppo  12/200 [#...................]   6% score 0.512 kl 1.83 beta 0.048 loss 0.113 21.4 s/it ETA 1h07m</pre>
 */
final class PpoProgress {

    private static final int WIDTH = 20;

    private final long total;
    private final PrintStream out;
    private final boolean interactive;
    private long startStep;
    private long startNanos;
    private long lastPlain = Long.MIN_VALUE;

    PpoProgress(long total, PrintStream out, boolean interactive) {
        this.total = total;
        this.out = out;
        this.interactive = interactive;
    }

    static PpoProgress toStderr(long total, PrintStream out) {
        return new PpoProgress(total, out, out == System.err && System.console() != null);
    }

    void start(long step) {
        startStep = step;
        startNanos = System.nanoTime();
    }

    void update(long step, Map<String, Double> m) {
        long now = System.nanoTime();
        String line = render(step, m, (now - startNanos) / 1e9);
        if (interactive) {
            out.print("\r" + line);
            if (step >= total) {
                out.println();
            }
            out.flush();
        } else if (step >= total || lastPlain == Long.MIN_VALUE || now - lastPlain >= 30_000_000_000L) {
            out.println(line);
            lastPlain = now;
        }
    }

    String render(long step, Map<String, Double> m, double seconds) {
        long done = step - startStep;
        double perIteration = done > 0 ? seconds / done : 0;
        int filled = (int) Math.min(WIDTH, WIDTH * step / Math.max(1, total));
        return String.format(Locale.ROOT, "ppo %" + Long.toString(total).length() + "d/%d [%s%s] %3d%% score %.3f kl %.2f beta %.3f loss %.3f"
                + " %.1f s/it ETA %s", step, total, "#".repeat(filled), ".".repeat(WIDTH - filled), 100 * step / Math.max(1, total),
                m.getOrDefault("objective/scores", Double.NaN), m.getOrDefault("objective/kl", Double.NaN),
                m.getOrDefault("objective/kl_coef", Double.NaN), m.getOrDefault("loss", Double.NaN), perIteration,
                duration(perIteration * (total - step)));
    }

    static String duration(double seconds) {
        long s = Math.round(Math.max(0, seconds));
        if (s < 60) {
            return s + "s";
        }
        if (s < 3600) {
            return String.format(Locale.ROOT, "%dm%02ds", s / 60, s % 60);
        }
        return String.format(Locale.ROOT, "%dh%02dm", s / 3600, (s % 3600) / 60);
    }
}
