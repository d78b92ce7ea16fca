/**
 * Configs: YAML (trlX's nested {@code TRLConfig} or TRL's flat keys) and dotted command-line
 * overrides → validated immutable records, printed and saved as {@code resolved-config.yaml}.
 *
 * <p>A stage declares its own method record and a {@link trl4j.config.StageSchema}; everything
 * else ({@link trl4j.config.TrainingConfig}: model, tokenizer, optimizer, schedule, loop, run) is
 * shared:
 *
 * <pre>{@code
 * record SftMethod(boolean completionOnlyLoss, Map<String, Object> genKwargs) {
 *     public static final SftMethod DEFAULTS = new SftMethod(true, Map.of("max_new_tokens", 40));
 * }
 * ConfigLoader<SftMethod> loader = new ConfigLoader<>(new StageSchema<>("sft", SftMethod.class,
 *         SftMethod.DEFAULTS, Set.of("sftconfig"), Map.of(), Map.of("learning_rate", 2e-5, "output_dir", "runs/sft")));
 * LoadedConfig<SftMethod> loaded = loader.load(Path.of("configs/sft.yaml"), List.of("--train.batch_size=16"));
 * loaded.notes().forEach(System.err::println);
 * loader.save(loaded.config(), runDir);   // runDir/resolved-config.yaml
 * }</pre>
 *
 * Errors are {@link trl4j.config.ConfigException}s (an {@code IllegalArgumentException}) whose
 * message names the file, the key as written and, for near misses, the key meant.
 */
package trl4j.config;
