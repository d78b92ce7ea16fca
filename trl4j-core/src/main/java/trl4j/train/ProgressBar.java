package trl4j.train;

import java.io.PrintStream;
import java.util.Locale;
import java.util.function.LongSupplier;

/**
 * A progress line on stderr: step/total, a bar, loss, learning rate, tokens/s, steps/s and ETA.
 * On a terminal it redraws one line with carriage returns; otherwise (logs, CI) it prints a plain
 * line at most every {@code plainIntervalSeconds} and at the last step.
 *
 * <pre>sft   120/1000 [##........]  12% loss 2.3410 lr 4.90e-05 1234 tok/s 2.10 it/s ETA 6m59s</pre>
 *
 * Rates count only the steps of this process, so a resumed run shows its real speed.
 */
public final class ProgressBar {

    private static final int WIDTH = 20;

    private final String label;
    private final long total;
    private final PrintStream out;
    private final boolean interactive;
    private final LongSupplier nanoClock;
    private final long plainIntervalNanos;
    private long startStep;
    private long startNanos;
    private long tokens;
    private long lastPlainNanos = Long.MIN_VALUE;
    private int lastLength;

    /**
     * @param interactive redraw in place (a terminal) or print plain lines
     * @param nanoClock time source ({@code System::nanoTime})
     */
    public ProgressBar(String label, long total, PrintStream out, boolean interactive, LongSupplier nanoClock,
            double plainIntervalSeconds) {
        this.label = label;
        this.total = total;
        this.out = out;
        this.interactive = interactive;
        this.nanoClock = nanoClock;
        this.plainIntervalNanos = (long) (plainIntervalSeconds * 1e9);
        start(0);
    }

    /** A bar on stderr; interactive when the JVM has a console. */
    public static ProgressBar toStderr(String label, long total) {
        return new ProgressBar(label, total, System.err, System.console() != null, System::nanoTime, 30);
    }

    /** Starts timing from {@code step} (the checkpoint step of a resumed run). */
    public void start(long step) {
        startStep = step;
        startNanos = nanoClock.getAsLong();
        tokens = 0;
    }

    /** Reports that step {@code step} is done, having trained on {@code stepTokens} tokens. */
    public void update(long step, double loss, double lr, long stepTokens) {
        tokens += stepTokens;
        long now = nanoClock.getAsLong();
        String line = render(step, loss, lr, now);
        if (interactive) {
            String pad = line.length() < lastLength ? " ".repeat(lastLength - line.length()) : "";
            out.print("\r" + line + pad);
            lastLength = line.length();
            if (step >= total) {
                out.println();
            }
            out.flush();
        } else if (step >= total || lastPlainNanos == Long.MIN_VALUE || now - lastPlainNanos >= plainIntervalNanos) {
            out.println(line);
            lastPlainNanos = now;
        }
    }

    /** The progress line at time {@code now}. */
    String render(long step, double loss, double lr, long now) {
        double seconds = (now - startNanos) / 1e9;
        long done = step - startStep;
        double stepsPerSecond = seconds > 0 ? done / seconds : 0;
        double tokensPerSecond = seconds > 0 ? tokens / seconds : 0;
        int filled = total > 0 ? (int) Math.min(WIDTH, WIDTH * step / total) : 0;
        String eta = stepsPerSecond > 0 ? duration((total - step) / stepsPerSecond) : "?";
        return String.format(Locale.ROOT, "%s %" + Long.toString(total).length() + "d/%d [%s%s] %3d%% loss %.4f lr %.2e %.0f tok/s %.2f it/s ETA %s",
                label, step, total, "#".repeat(filled), ".".repeat(WIDTH - filled), total > 0 ? 100 * step / total : 0,
                loss, lr, tokensPerSecond, stepsPerSecond, eta);
    }

    /** 7 → "7s", 419 → "6m59s", 7384 → "2h03m". */
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
