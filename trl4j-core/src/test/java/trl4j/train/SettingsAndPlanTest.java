package trl4j.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import trl4j.config.LoopSettings;
import trl4j.config.RunSettings;
import trl4j.config.RunSettings.Strategy;

/** The step arithmetic a training loop relies on. */
class SettingsAndPlanTest {

    @Test
    void plannedStepsCountLikeHuggingFace() {
        LoopSettings epochs = new LoopSettings(2, 8, 3, 2.5, -1, 64, 1.0, 10);
        assertEquals(8, epochs.plannedSteps(10)); // ⌈2.5 · ⌊10 / 3⌋⌉ = ⌈7.5⌉
        assertEquals(3, new LoopSettings(2, 8, 4, 3.0, -1, 64, 1.0, 10).plannedSteps(2), "at least one update per epoch");
        assertEquals(5, new LoopSettings(2, 8, 3, 2.5, 5, 64, 1.0, 10).plannedSteps(10), "max_steps wins");
        assertEquals(6, epochs.effectiveBatchSize());
    }

    @Test
    void periodicActionsFollowTheirStrategies() {
        RunSettings run = new RunSettings("out", 1, 5, Strategy.STEPS, null, Strategy.STEPS, 20, null, null, null, null);
        assertTrue(run.logsAt(10));
        assertFalse(run.logsAt(11));
        assertTrue(run.evaluatesAt(15), "eval_steps defaults to logging_steps");
        assertTrue(run.savesAt(40));
        assertFalse(run.savesAt(30));
        RunSettings never = new RunSettings("out", 1, 5, Strategy.NO, 10, Strategy.NO, 20, null, null, null, null);
        assertFalse(never.evaluatesAt(10));
        assertFalse(never.savesAt(20));
    }

    @Test
    void batchPlanCoversEachEpochOnceAndDependsOnlyOnTheStep() {
        BatchPlan plan = new BatchPlan(10, 2, 2, 7);
        assertEquals(2, plan.stepsPerEpoch()); // 8 of 10 rows per epoch
        assertEquals(0, plan.epochOf(2));
        assertEquals(1, plan.epochOf(3));
        assertEquals(1.5, plan.epochProgress(3));
        assertEquals(2, plan.batchesInEpochAfter(3));
        int[] epoch1 = Seeds.permutation(10, 7, 1);
        assertArrayEquals(new int[] {epoch1[0], epoch1[1]}, plan.microBatches(3).get(0));
        assertArrayEquals(new int[] {epoch1[6], epoch1[7]}, plan.microBatches(4).get(1));
        Set<Integer> seen = new HashSet<>();
        for (long step = 3; step <= 4; step++) {
            for (int[] micro : plan.microBatches(step)) {
                for (int row : micro) {
                    assertTrue(seen.add(row), "row " + row + " twice in one epoch");
                }
            }
        }
        assertEquals(8, seen.size());
        assertEquals(List.of(plan.microBatches(3).get(0)[0]), List.of(new BatchPlan(10, 2, 2, 7).microBatches(3).get(0)[0]));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new BatchPlan(3, 2, 2, 7));
        assertEquals("a training set of 3 rows cannot fill one optimizer step of 2 × 2 rows; lower per_device_train_batch_size"
                + " or gradient_accumulation_steps, or add data", e.getMessage());
    }
}
