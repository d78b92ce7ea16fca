package trl4j.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.Architectures.layeredArchitecture;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The layering of DESIGN.md: layers use only the ones below them, sibling stages never import each
 * other, and only the registry knows the concrete architectures.
 */
class LayeringTest {

    static JavaClasses classes;

    @BeforeAll
    static void importClasses() {
        classes = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS).importPackages("trl4j");
    }

    @Test
    void layersOnlyUseLayersBelowThem() {
        layeredArchitecture().consideringOnlyDependenciesInLayers().withOptionalLayers(true)
                .layer("tensor").definedBy("trl4j.tensor..")
                .layer("config").definedBy("trl4j.config..")
                .layer("checkpoint").definedBy("trl4j.checkpoint..")
                .layer("tokenizer").definedBy("trl4j.tokenizer..")
                .layer("model").definedBy("trl4j.model")
                .layer("architectures").definedBy("trl4j.model.gpt2..", "trl4j.model.t5..", "trl4j.model.llama..")
                .layer("registry").definedBy("trl4j.model.registry..")
                .layer("generate").definedBy("trl4j.generate..")
                .layer("data").definedBy("trl4j.data..")
                .layer("eval").definedBy("trl4j.eval..")
                .layer("train").definedBy("trl4j.train")
                .layer("stages").definedBy("trl4j.train.sft..", "trl4j.train.reward..", "trl4j.train.ppo..")
                .layer("pipeline").definedBy("trl4j.pipeline..")

                .whereLayer("pipeline").mayNotBeAccessedByAnyLayer()
                .whereLayer("stages").mayOnlyBeAccessedByLayers("pipeline")
                .whereLayer("train").mayOnlyBeAccessedByLayers("stages", "pipeline")
                .whereLayer("eval").mayOnlyBeAccessedByLayers("stages", "pipeline")
                .whereLayer("data").mayOnlyBeAccessedByLayers("eval", "stages", "pipeline")
                .whereLayer("generate").mayOnlyBeAccessedByLayers("eval", "train", "stages", "pipeline")
                .whereLayer("registry").mayOnlyBeAccessedByLayers("eval", "train", "stages", "pipeline")
                .whereLayer("architectures").mayOnlyBeAccessedByLayers("registry")
                .whereLayer("model").mayOnlyBeAccessedByLayers("architectures", "registry", "generate", "eval", "train", "stages", "pipeline")
                .whereLayer("tokenizer").mayOnlyBeAccessedByLayers("data", "eval", "train", "stages", "pipeline")
                .whereLayer("config").mayOnlyBeAccessedByLayers("train", "stages", "pipeline", "eval")
                .check(classes);
    }

    @Test
    void siblingStagesNeverImportEachOther() {
        String[][] pairs = {{"sft", "reward"}, {"sft", "ppo"}, {"reward", "sft"}, {"reward", "ppo"}, {"ppo", "sft"}, {"ppo", "reward"}};
        for (String[] p : pairs) {
            noClasses().that().resideInAPackage("trl4j.train." + p[0] + "..")
                    .should().dependOnClassesThat().resideInAPackage("trl4j.train." + p[1] + "..")
                    .allowEmptyShould(true).check(classes);
        }
    }

    @Test
    void architecturesDoNotKnowEachOther() {
        String[] archs = {"gpt2", "t5", "llama"};
        for (String a : archs) {
            for (String b : archs) {
                if (!a.equals(b)) {
                    noClasses().that().resideInAPackage("trl4j.model." + a + "..")
                            .should().dependOnClassesThat().resideInAPackage("trl4j.model." + b + "..")
                            .allowEmptyShould(true).check(classes);
                }
            }
        }
    }

    @Test
    void theLibraryNeverDependsOnTheCommandLine() {
        noClasses().should().dependOnClassesThat().resideInAPackage("picocli..").check(classes);
    }
}
