package trl4j.train;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;
import trl4j.config.ScheduleSettings;
import trl4j.config.ScheduleSettings.SchedulerKwargs;
import trl4j.config.ScheduleSettings.Type;

/** Values at hand-picked steps, worked out from the HF / torch formulas in LrSchedule's javadoc. */
class LrScheduleTest {

    private static LrSchedule hf(Type type, double base, long total, long warmup) {
        return new LrSchedule(type, base, total, warmup, SchedulerKwargs.DEFAULTS);
    }

    @Test
    void linearWarmsUpThenDecaysToZero() {
        LrSchedule s = hf(Type.LINEAR, 1.0, 10, 2);
        assertEquals(0.0, s.learningRate(0), "HF's first update has lr 0 under warmup");
        assertEquals(0.5, s.learningRate(1));
        assertEquals(1.0, s.learningRate(2)); // (10 − 2) / 8
        assertEquals(0.5, s.learningRate(6)); // (10 − 6) / 8
        assertEquals(0.125, s.learningRate(9));
        assertEquals(0.0, s.learningRate(10));
        assertEquals(0.0, s.learningRate(12), "clamped at 0 past the end");
    }

    @Test
    void cosineWarmsUpThenFollowsHalfACosine() {
        LrSchedule s = hf(Type.COSINE, 2.0, 10, 2);
        assertEquals(1.0, s.learningRate(1));
        assertEquals(2.0, s.learningRate(2)); // progress 0: ½(1 + cos 0) = 1
        assertEquals(2.0 * 0.5 * (1 + Math.cos(Math.PI / 4)), s.learningRate(4), 1e-15); // progress ¼ → 0.8535534
        assertEquals(1.7071067811865475, s.learningRate(4), 1e-15);
        assertEquals(1.0, s.learningRate(6), 1e-15); // progress ½: ½(1 + cos π/2)
        assertEquals(0.0, s.learningRate(10), 1e-15); // ½(1 + cos π)
    }

    @Test
    void constantSchedules() {
        assertEquals(3.0, hf(Type.CONSTANT, 3.0, 10, 4).learningRate(0), "HF's constant schedule has no warmup");
        LrSchedule w = hf(Type.CONSTANT_WITH_WARMUP, 1.0, 10, 4);
        assertEquals(0.25, w.learningRate(1));
        assertEquals(0.75, w.learningRate(3));
        assertEquals(1.0, w.learningRate(4));
        assertEquals(1.0, w.learningRate(1000));
    }

    @Test
    void trlxCosineAnnealing() {
        LrSchedule s = new LrSchedule(Type.COSINE_ANNEALING, 0.1, 1000, 0, new SchedulerKwargs(4.0, 0.02, 0.5, 1.0 / 3, 1, 5));
        assertEquals(0.1, s.learningRate(0), 1e-15);
        assertEquals(0.0882842712474619, s.learningRate(1), 1e-15); // 0.02 + 0.08 · ½(1 + cos π/4)
        assertEquals(0.06, s.learningRate(2), 1e-15); // 0.02 + 0.08 · ½
        assertEquals(0.02, s.learningRate(4), 1e-15);
        // trlX's usual "constant": T_max = 1e12.
        LrSchedule flat = new LrSchedule(Type.COSINE_ANNEALING, 3e-5, 1000, 0, new SchedulerKwargs(1e12, 3e-5, 0.5, 1.0 / 3, 1, 5));
        assertEquals(3e-5, flat.learningRate(999), 1e-20);
        // Without T_max the run's length is used.
        LrSchedule byRun = LrSchedule.of(new ScheduleSettings(Type.COSINE_ANNEALING, 0, 0, SchedulerKwargs.DEFAULTS), 1.0, 8);
        assertEquals(0.5, byRun.learningRate(4), 1e-15);
    }

    @Test
    void trlxLinearIsTorchLinearLr() {
        LrSchedule s = new LrSchedule(Type.LINEAR_LR, 0.3, 100, 0, SchedulerKwargs.DEFAULTS); // 1/3 → 1 over 5 steps
        assertEquals(0.1, s.learningRate(0), 1e-15);
        assertEquals(0.18, s.learningRate(2), 1e-15); // 0.3 · (1/3 + 2/3 · 2/5)
        assertEquals(0.3, s.learningRate(5), 1e-15);
        assertEquals(0.3, s.learningRate(50), 1e-15);
    }

    @Test
    void warmupRatioIsRoundedUpAndStepsWin() {
        assertEquals(3, new ScheduleSettings(Type.LINEAR, 0, 0.1, null).warmupSteps(25)); // ⌈2.5⌉
        assertEquals(7, new ScheduleSettings(Type.LINEAR, 7, 0.5, null).warmupSteps(25));
        LrSchedule s = LrSchedule.of(new ScheduleSettings(Type.LINEAR, 0, 0.1, null), 1.0, 25);
        assertEquals(3, s.warmupSteps());
        assertEquals(1.0 / 3, s.learningRate(1), 1e-15);
    }
}
