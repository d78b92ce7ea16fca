package trl4j.train.ppo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import trl4j.checkpoint.CheckpointException;
import trl4j.train.TrainerState;

/**
 * PPO's own part of {@code trainer_state.json} ({@code extra}): the KL coefficient and the score
 * statistics, which together with the weights, the optimizer and the seed make a resumed run continue
 * exactly where it stopped.
 */
final class PpoState {

    private static final ObjectMapper JSON = new ObjectMapper();

    private PpoState() {}

    static ObjectNode extra(KlController kl, ScoreShaping shaping) {
        ObjectNode o = JSON.createObjectNode();
        o.put("kl_coef", kl.value());
        RunningMoments r = shaping.running();
        o.put("running_mean", r.mean());
        o.put("running_var", r.variance());
        o.put("running_std", r.std());
        o.put("running_count", r.count());
        putNullable(o, "ref_mean", shaping.refMean());
        putNullable(o, "ref_std", shaping.refStd());
        return o;
    }

    static void restore(TrainerState state, KlController kl, ScoreShaping shaping) {
        ObjectNode o = state.extra();
        for (String key : new String[] {"kl_coef", "running_mean", "running_var", "running_std", "running_count"}) {
            if (!o.path(key).isNumber()) {
                throw new CheckpointException("trainer_state.json: no PPO state '" + key + "' (not a PPO checkpoint?)");
            }
        }
        kl.restore(o.get("kl_coef").asDouble());
        shaping.restore(o.get("running_mean").asDouble(), o.get("running_var").asDouble(), o.get("running_std").asDouble(),
                o.get("running_count").asDouble(), nullable(o.get("ref_mean")), nullable(o.get("ref_std")));
    }

    private static void putNullable(ObjectNode o, String key, Double value) {
        if (value == null) {
            o.putNull(key);
        } else {
            o.put(key, value);
        }
    }

    private static Double nullable(JsonNode n) {
        return n == null || !n.isNumber() ? null : n.asDouble();
    }
}
