package trl4j.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import trl4j.config.OptimizerSettings;
import trl4j.config.ScheduleSettings.SchedulerKwargs;
import trl4j.config.ScheduleSettings.Type;
import trl4j.model.Parameters;

/** Clipping, the NaN guard and the Updater that chains them with the schedule and AdamW. */
class UpdateStepTest {

    static NDManager manager;

    @BeforeAll
    static void open() {
        manager = NDManager.newBaseManager();
    }

    @AfterAll
    static void close() {
        manager.close();
    }

    /** a = [3, 4] (norm 5) and b = [12] (norm 12): global norm √(25 + 144) = 13. */
    private static Parameters threeFourTwelve() {
        Parameters p = Grads.parameters(manager, Map.of("a", new float[] {1, 1}, "b", new float[] {1}),
                Map.of("a", new long[] {1, 2}, "b", new long[] {1}));
        Grads.set(p, Map.of("a", new float[] {3, 4}, "b", new float[] {12}));
        return p;
    }

    @Test
    void clipGradNormScalesToTheMaximumAndReturnsTheNormBefore() {
        try (Parameters p = threeFourTwelve()) {
            assertEquals(13.0, GradClipper.clip(p, List.of("a", "b"), 6.5), 1e-6);
            // factor 6.5 / (13 + 1e-6) = 0.49999996
            assertArrayEquals(new float[] {1.5f, 2.0f}, Grads.gradient(p, "a"), 1e-6f);
            assertArrayEquals(new float[] {6.0f}, Grads.gradient(p, "b"), 1e-6f);
            assertEquals(6.5, GradClipper.globalNorm(p, List.of("a", "b")), 1e-5);
        }
        try (Parameters p = threeFourTwelve()) {
            assertEquals(13.0, GradClipper.clip(p, List.of("a", "b"), 20), 1e-6);
            assertArrayEquals(new float[] {3, 4}, Grads.gradient(p, "a"), "below the maximum nothing changes");
            // At norm = max, torch still scales, by 13 · (1 / (13 + 1e-6)) = 0.99999994 in float32.
            assertEquals(0.99999994f, GradClipper.scaleToNorm(p, List.of("a", "b"), 13.0, 13.0));
            assertEquals(1f, GradClipper.scaleToNorm(p, List.of("a", "b"), 13.0, 14.0));
        }
    }

    @Test
    void nonFiniteGradientsHaveANonFiniteNorm() {
        try (Parameters p = threeFourTwelve()) {
            Grads.set(p, Map.of("a", new float[] {Float.NaN, 1}, "b", new float[] {1}));
            assertTrue(Double.isNaN(GradClipper.globalNorm(p, List.of("a", "b"))));
            Grads.set(p, Map.of("a", new float[] {Float.POSITIVE_INFINITY, 1}, "b", new float[] {1}));
            assertTrue(Double.isInfinite(GradClipper.globalNorm(p, List.of("a", "b"))));
        }
    }

    @Test
    void nanGuardSkipsCountsAndAbortsAfterKInARow() {
        NanGuard guard = new NanGuard(3);
        assertTrue(guard.admit(1, 1.0, 1.0));
        assertFalse(guard.admit(2, Double.NaN, 1.0));
        assertFalse(guard.admit(3, 1.0, Double.POSITIVE_INFINITY));
        assertTrue(guard.admit(4, 0.5, 2.0));
        assertEquals(0, guard.consecutive());
        assertFalse(guard.admit(5, Double.NaN, Double.NaN));
        assertFalse(guard.admit(6, Double.NaN, 1));
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> guard.admit(7, Double.NEGATIVE_INFINITY, 1));
        assertEquals("training diverged: 3 steps in a row (the last at step 7) had a non-finite loss (-Infinity) or gradient"
                + " norm (1.0); lower learning_rate, set max_grad_norm, or check the data", e.getMessage());
        assertEquals(5, guard.skipped());
    }

    @Test
    void updaterSkipsANanStepWithoutTouchingWeightsOrState() {
        OptimizerSettings settings = new OptimizerSettings("adamw", 0.1, 0.9, 0.999, 1e-8, 0.0);
        try (Parameters p = threeFourTwelve(); AdamW adamw = AdamW.create(p, settings)) {
            LrSchedule schedule = new LrSchedule(Type.LINEAR, 0.1, 4, 0, SchedulerKwargs.DEFAULTS);
            Updater updater = new Updater(p, adamw, schedule, 6.5, new NanGuard(2));
            Grads.set(p, Map.of("a", new float[] {Float.NaN, 1}, "b", new float[] {1}));
            Updater.Result skipped = updater.apply(1, 0.7);
            assertFalse(skipped.applied());
            assertArrayEquals(new float[] {1, 1}, Grads.values(p, "a"));
            assertArrayEquals(new float[] {0, 0}, Grads.gradient(p, "a"), "gradients are zeroed for the next step");
            assertEquals(0, adamw.stepCount());
            assertEquals(1, updater.guard().skipped());

            // Step 2: lr = 0.1 · (4 − 1) / 4 = 0.075; norm 13 clipped to 6.5; Adam's first step moves each
            // weight by lr · g/|g| (m̂ / √v̂ = ±1), whatever the clipping factor.
            Grads.set(p, Map.of("a", new float[] {3, 4}, "b", new float[] {12}));
            Updater.Result applied = updater.apply(2, 0.7);
            assertTrue(applied.applied());
            assertEquals(13.0, applied.gradNorm(), 1e-6);
            assertEquals(0.075, applied.learningRate(), 1e-15);
            assertArrayEquals(new float[] {0.925f, 0.925f}, Grads.values(p, "a"), 1e-6f);
            // Clipping shows in the second moment: v = 0.001 · (g · 0.5)² = 0.001 · 2.25 for a[0].
            assertEquals(0.00225, adamw.expAvgSq("a").toFloatArray()[0], 1e-9);
            assertArrayEquals(new float[] {0, 0}, Grads.gradient(p, "a"));
        }
    }
}
