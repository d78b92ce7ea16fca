/**
 * Machinery every training stage composes (no base class): {@link trl4j.train.AdamW},
 * {@link trl4j.train.LrSchedule}, {@link trl4j.train.GradClipper}, {@link trl4j.train.NanGuard}
 * (chained by {@link trl4j.train.Updater}), {@link trl4j.train.GradientAccumulation},
 * {@link trl4j.train.BatchPlan} and {@link trl4j.train.Seeds} (exactly resumable data order and
 * randomness), {@link trl4j.train.MetricsSink}, {@link trl4j.train.ProgressBar},
 * {@link trl4j.train.Plots}, {@link trl4j.train.CheckpointManager} with
 * {@link trl4j.train.TrainerState}, and {@link trl4j.train.GracefulStop}.
 *
 * <p>A stage's loop, in outline (see {@code TinyGpt2TrainingTest} for a running version):
 *
 * <pre>{@code
 * TrainingConfig t = config.training();
 * BatchPlan plan = new BatchPlan(train.size(), t.loop().perDeviceTrainBatchSize(), t.loop().gradientAccumulationSteps(), t.run().seed());
 * long total = t.loop().plannedSteps((long) plan.stepsPerEpoch() * t.loop().gradientAccumulationSteps());
 * CheckpointManager checkpoints = CheckpointManager.of(t.run());
 * Optional<CheckpointManager.Checkpoint> resume = checkpoints.latest();
 * CausalLm model = resume.isPresent() ? (CausalLm) Models.load(resume.get().dir(), manager) : pretrained;
 * model.parameters().setTrainable(n -> true);
 * AdamW adamw = resume.isPresent() ? AdamW.restore(model.parameters(), resume.get().dir()) : AdamW.create(model.parameters(), t.optimizer());
 * TrainerState state = resume.map(CheckpointManager.Checkpoint::state).orElse(TrainerState.start(total, t.run().seed()));
 * NanGuard guard = new NanGuard(t.loop().maxConsecutiveNanSteps());
 * guard.restore(state.skippedSteps(), state.consecutiveSkips());
 * Updater updater = new Updater(model.parameters(), adamw, LrSchedule.of(t.schedule(), t.optimizer().learningRate(), total),
 *         t.loop().maxGradNorm(), guard);
 * Path metricsFile = runDir.resolve(MetricsSink.FILE);
 * try (MetricsSink metrics = MetricsSink.resume(metricsFile, state.globalStep());
 *         GracefulStop stop = GracefulStop.install(Duration.ofMinutes(2))) {
 *     ProgressBar bar = ProgressBar.toStderr("sft", total);
 *     bar.start(state.globalStep());
 *     for (long step = state.globalStep() + 1; step <= total; step++) {
 *         Seeds.seedStep(t.run().seed(), step);                       // dropout / sampling of this step
 *         List<int[]> micro = plan.microBatches(step);
 *         long targets = ...;                                          // GradientAccumulation.countTargets(labels of all micro-batches)
 *         double loss = 0;
 *         for (int[] rows : micro) {
 *             try (NDScope scope = new NDScope(); GradientCollector gc = Engine.getInstance().newGradientCollector()) {
 *                 NDArray[] sc = TokenLoss.sumAndCount(...);           // forward on rows
 *                 NDArray part = GradientAccumulation.tokenMean(sc[0], targets);
 *                 gc.backward(part);
 *                 loss += part.getFloat();
 *             }
 *         }
 *         Updater.Result r = updater.apply(step, loss);               // norm → NaN guard → clip → lr → AdamW → zero grads
 *         bar.update(step, loss, r.learningRate(), tokensOfThisStep);
 *         if (t.run().logsAt(step)) metrics.log(step, plan.epochProgress(step), Map.of("loss", loss, "learning_rate", r.learningRate(), "grad_norm", r.gradNorm()));
 *         Map<String, Double> eval = t.run().evaluatesAt(step) ? evaluate() : Map.of();
 *         if (t.run().savesAt(step) || stop.requested() || step == total) {
 *             TrainerState now = new TrainerState(step, plan.epochProgress(step), plan.epochOf(step + 1), plan.batchesInEpochAfter(step),
 *                     total, t.run().seed(), guard.skipped(), guard.consecutive(), r.learningRate(), null, null, null);
 *             checkpoints.save(now, CheckpointManager.model(model, tokenizerDir).and(adamw::save), eval);
 *         }
 *         if (stop.requested()) break;
 *     }
 * }
 * Plots.write(metricsFile, runDir.resolve("plots"), List.of("loss", "learning_rate", "eval_loss"));
 * }</pre>
 */
package trl4j.train;
