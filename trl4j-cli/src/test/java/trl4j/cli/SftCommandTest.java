package trl4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import trl4j.data.PromptCompletion;
import trl4j.data.debian.DebianTldr;

/** {@code trl4j sft} end to end on a tiny T5 trained from scratch, then generate, plot, resume and predict. */
class SftCommandTest {

    static Path rows(Path dir, String name, int from, int count) throws Exception {
        List<PromptCompletion> all = DebianTldr.pairs(DebianTldr.locate(Path.of("")), "validation").subList(from, from + count);
        ObjectMapper json = new ObjectMapper();
        List<String> lines = new ArrayList<>();
        for (PromptCompletion r : all) {
            ObjectNode o = json.createObjectNode();
            o.put("prompt", r.prompt());
            o.put("completion", r.completion());
            lines.add(o.toString());
        }
        Path file = dir.resolve(name);
        Files.write(file, lines);
        return file;
    }

    @Test
    void trainsWritesTheRunFolderAndTheModelGenerates(@TempDir Path tmp) throws Exception {
        Path run = tmp.resolve("run");
        Path config = tmp.resolve("sft.yaml");
        Files.writeString(config, String.join("\n",
                "model_name_or_path: preset:micro-t5",
                "train_file: " + rows(tmp, "train.jsonl", 0, 48),
                "validation_file: " + rows(tmp, "valid.jsonl", 100, 8),
                "test_file: " + rows(tmp, "test.jsonl", 200, 6),
                "output_dir: " + run,
                "max_length: 96", "max_completion_length: 16", "per_device_train_batch_size: 8",
                "max_steps: 6", "learning_rate: 3e-3", "logging_steps: 2", "eval_steps: 3", "save_steps: 3",
                "rouge_eval_samples: 4", "do_predict: true", "gen_kwargs: {max_new_tokens: 8}", ""));

        CliRun sft = CliRun.of("sft", "--config", config.toString());
        assertEquals(0, sft.exitCode(), sft.err());
        assertTrue(sft.out().contains("sft: finished after 6/6 steps"), sft.out());
        assertTrue(sft.out().contains("eval: eval_loss "), sft.out());
        assertTrue(sft.err().contains("per_device_train_batch_size: 8"), "the resolved config is printed");
        for (String f : List.of("resolved-config.yaml", "metrics.jsonl", "tokenizer/tokenizer.json", "checkpoints/latest",
                "checkpoints/step-3/model.safetensors", "checkpoints/step-6/optimizer.safetensors", "final/config.json",
                "final/model.safetensors", "final/tokenizer.json", "plots/loss.png", "plots/eval_loss.png",
                "plots/learning_rate.png", "test_results.json", "test_predictions.jsonl")) {
            assertTrue(Files.isRegularFile(run.resolve(f)), f);
        }
        assertTrue(Files.readString(run.resolve("test_results.json")).contains("\"test_rougeL\""));
        assertEquals(6, Files.readAllLines(run.resolve("test_predictions.jsonl")).size());

        CliRun generate = CliRun.of("generate", "--model", run.resolve("final").toString(), "--prompt",
                "A tool to convert images between formats.\nTL;DR:");
        assertEquals(0, generate.exitCode(), generate.err());
        assertTrue(generate.out().endsWith("\n"));

        Files.delete(run.resolve("plots/loss.png"));
        CliRun plot = CliRun.of("plot", run.toString());
        assertEquals(0, plot.exitCode(), plot.err());
        assertTrue(Files.isRegularFile(run.resolve("plots/loss.png")), "plot redraws");
        assertTrue(plot.out().contains("eval_rougeL.png"), plot.out());

        CliRun again = CliRun.of("sft", "--config", config.toString());
        assertEquals(1, again.exitCode());
        assertTrue(again.err().contains("already holds checkpoints of an earlier run: continue it with --resume"), again.err());

        CliRun changed = CliRun.of("sft", "--config", config.toString(), "--resume", "--per_device_train_batch_size=4");
        assertEquals(1, changed.exitCode());
        assertTrue(changed.err().contains("per_device_train_batch_size = 8 but this run has 4"), changed.err());
        CliRun resumed = CliRun.of("sft", "--config", config.toString(), "--resume");
        assertEquals(0, resumed.exitCode(), resumed.err());
        assertTrue(resumed.out().contains("sft: finished after 6/6 steps"), "nothing left to train: " + resumed.out());

        CliRun predict = CliRun.of("sft", "--config", config.toString(), "--predict-only");
        assertEquals(0, predict.exitCode(), predict.err());
        assertTrue(predict.out().startsWith("test: test_loss "), predict.out());
    }

    @Test
    void configMistakesAreOneLineErrors(@TempDir Path tmp) throws Exception {
        CliRun run = CliRun.of("sft", "--output_dir=" + tmp, "--learning_rat=1e-4");
        assertEquals(1, run.exitCode());
        assertEquals("trl4j: error: command line: unknown key '--learning_rat' for the sft stage (did you mean '--learning_rate'?)",
                run.err().strip());
        CliRun noModel = CliRun.of("sft", "--output_dir=" + tmp, "--max_steps=1");
        assertEquals(1, noModel.exitCode());
        assertTrue(noModel.err().startsWith("trl4j: error: model_name_or_path is required"), noModel.err());
    }
}
