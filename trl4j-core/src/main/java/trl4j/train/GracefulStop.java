package trl4j.train;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * SIGTERM / SIGINT (Ctrl-C) as a request to stop after a checkpoint. A JVM shutdown hook sets the
 * flag and then waits (up to a limit) until the training loop, which checks {@link #requested()}
 * after every step, has saved and called {@link #close()}.
 *
 * <pre>{@code
 * try (GracefulStop stop = GracefulStop.install(Duration.ofMinutes(2))) {
 *     while (step < total) { ...; if (stop.requested()) { checkpoints.save(...); break; } }
 * }
 * }</pre>
 */
public final class GracefulStop implements AutoCloseable {

    private final AtomicBoolean requested = new AtomicBoolean();
    private final CountDownLatch finished = new CountDownLatch(1);
    private final Duration maxWait;
    private final Thread hook;

    GracefulStop(Duration maxWait) {
        this.maxWait = maxWait;
        this.hook = new Thread(this::onSignal, "trl4j-graceful-stop");
    }

    /** Registers the shutdown hook. */
    public static GracefulStop install(Duration maxWait) {
        GracefulStop stop = new GracefulStop(maxWait);
        Runtime.getRuntime().addShutdownHook(stop.hook);
        return stop;
    }

    /** What the hook does when the JVM is asked to exit. */
    void onSignal() {
        if (finished.getCount() == 0) {
            return; // the loop is already done
        }
        requested.set(true);
        System.err.println("\nstopping: saving a checkpoint before exit (up to " + maxWait.toSeconds() + " s)");
        try {
            finished.await(maxWait.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Whether the loop should save and stop. */
    public boolean requested() {
        return requested.get();
    }

    /** Asks the loop to stop, as a signal would (for callers that stop a run programmatically). */
    public void request() {
        requested.set(true);
    }

    /** The loop has finished (saved): lets a waiting shutdown proceed and removes the hook. */
    @Override
    public void close() {
        finished.countDown();
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
            // the hook is running: it sees the countdown and returns
        }
    }
}
