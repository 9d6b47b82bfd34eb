package ai.bonsai.core.plan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.bonsai.api.importance.ImportanceCriterion;
import ai.bonsai.api.pruner.PruningBudget;
import ai.bonsai.api.pruner.PruningConfig;
import ai.bonsai.core.plugin.PluginHost;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Plans read from YAML and JSON: every field bound, and every kind of mistake reported once with
 * the file, line, column and field path.
 */
class PlanBinderTest {

    @TempDir
    Path tmp;

    private final PlanResolver resolver = new PlanResolver(PluginHost.classpathOnly());

    @BeforeEach
    void model() throws IOException {
        Files.writeString(tmp.resolve("net.bonsai"), "not read by the binder");
        Files.writeString(tmp.resolve("calib.safetensors"), "not read by the binder");
    }

    private Path write(String name, String text) throws IOException {
        return Files.writeString(tmp.resolve(name), text);
    }

    private PruningPlan validated(String yaml) throws IOException {
        PruningPlan plan = PlanBinder.read(write("plan.yaml", yaml));
        resolver.validate(plan);
        return plan;
    }

    private void assertRejected(String yaml, String message) throws IOException {
        Path file = write("plan.yaml", yaml);
        assertThatThrownBy(() -> resolver.validate(PlanBinder.read(file)))
                .isInstanceOf(PlanException.class)
                .hasMessage(file + ":" + message);
    }

    @Test
    void aFullPlanBindsEveryField() throws IOException {
        PruningPlan plan = validated("""
                model:
                  path: net.bonsai
                  input_shapes: {input: [1, 3, 32, 32]}
                importance:
                  name: lamp
                  parameters: {p: 1, group_reduction: max}
                pruner:
                  ratio: 0.25
                  ratios: {"layer1.*": 0.5}
                  ignored_layers: [fc, "head*"]
                  prune_classifier: true
                  global: true
                  steps: 2
                  schedule: [0.5, 1.0]
                  round_to: 8
                  heads: {num_heads: {attn: 4}, prune_num_heads: true, head_ratio: 0.5}
                regularizer: {name: group_norm, parameters: {reg: 0.001}}
                outputs: {model: out/pruned.bonsai, summary: out/summary.json, report: out/r.html}
                """);

        assertThat(plan.model().orElseThrow().path()).contains(tmp.resolve("net.bonsai"));
        assertThat(plan.model().orElseThrow().inputShapes()).isEqualTo(Map.of("input",
                List.of(1L, 3L, 32L, 32L)));
        assertThat(plan.importance()).isEqualTo(new ExtensionChoice("lamp",
                Map.of("p", 1L, "group_reduction", "max")));
        PrunerSettings p = plan.pruner();
        assertThat(p.name()).isEqualTo("meta");
        assertThat(p.ratio()).isEqualTo(0.25);
        assertThat(p.ratios()).isEqualTo(Map.of("layer1.*", 0.5));
        assertThat(p.ignoredLayers()).containsExactly("fc", "head*");
        assertThat(p.pruneClassifier()).isTrue();
        assertThat(p.global()).isTrue();
        assertThat(p.steps()).isEqualTo(2);
        assertThat(p.schedule()).containsExactly(0.5, 1.0);
        assertThat(p.roundTo()).isEqualTo(8);
        assertThat(p.heads()).isEqualTo(new HeadSettings(Map.of("attn", 4), true, true, 0.5));
        assertThat(plan.outputs().model()).contains(tmp.resolve("out/pruned.bonsai"));
        assertThat(plan.outputs().report()).contains(tmp.resolve("out/r.html"));
        assertThat(resolver.regularizer(plan).orElseThrow().name()).isEqualTo("group_norm");

        ImportanceCriterion c = resolver.criterion(plan);
        PruningConfig config = resolver.config(plan, c, List.of("classifier"));
        assertThat(c.name()).isEqualTo("lamp");
        assertThat(config.ratio()).isEqualTo(0.25);
        assertThat(config.steps()).isEqualTo(2);
        assertThat(config.schedule().ratioAt(0.25, 1, 2)).isEqualTo(0.125);
        assertThat(config.roundTo()).isEqualTo(8);
        assertThat(config.globalPruning()).isTrue();
        assertThat(config.isIgnored("head3")).isTrue();
        assertThat(config.isIgnored("classifier")).isTrue();
        assertThat(config.ratioFor("layer1.conv")).isEqualTo(0.5);
        assertThat(config.numHeadsFor("attn")).contains(4);
    }

    @Test
    void jsonPlansBindTheSameSchema() throws IOException {
        Path file = write("plan.json", """
                {"model": {"path": "net.bonsai"},
                 "importance": "l1",
                 "pruner": {"budget": {"macs": 1000}}}
                """);
        PruningPlan plan = PlanBinder.read(file);
        resolver.validate(plan);
        assertThat(plan.pruner().budget()).contains(PruningBudget.macs(1000));
        assertThat(resolver.criterion(plan).name()).isEqualTo("magnitude");
    }

    @Test
    void exponentNumbersAndShorthandSectionsAreRead() throws IOException {
        PruningPlan plan = validated("""
                importance: l1
                regularizer: {name: growing_reg, parameters: {reg: 1e-4, delta: 2.5E-5}}
                """);
        assertThat(plan.regularizer().orElseThrow().parameters())
                .isEqualTo(Map.of("reg", 1e-4, "delta", 2.5e-5));

        PlanTree tree = PlanTree.read(write("plan.yaml", "importance: l1\n"));
        tree.set("importance.parameters.p", 3L, "--param p");
        assertThat(PlanBinder.bind(tree).importance())
                .isEqualTo(new ExtensionChoice("l1", Map.of("p", 3L)));
    }

    @Test
    void aRatioOfOneOrMoreIsPlaced() throws IOException {
        assertRejected("""
                model:
                  path: net.bonsai
                pruner:
                  name: meta
                  ratio: 1.5
                """, "5:10: pruner.ratio: must be in [0, 1), found 1.5");
    }

    @Test
    void anUnknownKeyListsTheKnownOnes() throws IOException {
        assertRejected("""
                pruner:
                  ratoi: 0.5
                """, "2:3: pruner.ratoi: unknown key; known: budget, global, heads, ignored_layers,"
                + " isomorphic, max_pruning_ratio, name, parameters, prune_classifier, ratio, ratios,"
                + " round_to, schedule, steps");
    }

    @Test
    void aWrongTypeNamesTheExpectedOne() throws IOException {
        assertRejected("""
                pruner:
                  steps: two
                """, "2:10: pruner.steps: must be an integer, found string 'two'");
    }

    @Test
    void negativeStepsAreRefused() throws IOException {
        assertRejected("""
                pruner:
                  steps: -2
                """, "2:10: pruner.steps: must be at least 1, found -2");
    }

    @Test
    void anUnknownCriterionListsTheAvailableOnes() throws IOException {
        Path file = write("plan.yaml", """
                importance:
                  name: nope
                """);
        assertThatThrownBy(() -> resolver.validate(PlanBinder.read(file)))
                .hasMessageStartingWith(file + ":2:9: importance.name: unknown importance 'nope';"
                        + " available: activation, bnscale, flap, fpgm, hessian, l1, l2, lamp,"
                        + " magnitude, obdc, random, taylor, wanda");
    }

    @Test
    void anUnknownPrunerOrRegularizerIsPlaced() throws IOException {
        assertRejected("""
                pruner: {name: greedy}
                """, "1:16: pruner.name: unknown pruner 'greedy'; available: meta");
        assertRejected("""
                regularizer: lasso
                """, "1:14: regularizer.name: unknown regularizer 'lasso'; available: bnscale,"
                + " group_norm, growing_reg");
    }

    @Test
    void prunerParametersAreBoundAndCheckedAgainstThePrunersDeclarations() throws IOException {
        Path file = write("plan.yaml", """
                pruner: {name: meta, parameters: {head_ratio: 0.5, layers: [4, 30]}}
                """);
        assertThat(PlanBinder.read(file).pruner().parameters())
                .containsExactly(Map.entry("head_ratio", 0.5), Map.entry("layers", List.of(4L, 30L)));
        assertRejected("""
                pruner: {name: meta, parameters: {head_ratio: 0.5}}
                """, "1:47: pruner.parameters.head_ratio: pruner 'meta' takes no parameters");
    }

    @Test
    void aMissingModelFileIsPlaced() throws IOException {
        Path file = write("plan.yaml", """
                model:
                  path: missing.onnx
                """);
        assertThatThrownBy(() -> PlanBinder.read(file)).hasMessage(file + ":2:9: model.path: file '"
                + tmp.resolve("missing.onnx") + "' does not exist");
    }

    @Test
    void anUnknownCriterionParameterListsTheDeclaredOnes() throws IOException {
        assertRejected("""
                importance:
                  name: taylor
                  parameters:
                    multivariate: true
                calibration: calib.safetensors
                """, "4:5: importance.parameters.multivariate: unknown parameter of importance"
                + " 'taylor'; known: group_reduction, normalizer, bias, score_all_members,"
                + " multivariable");
    }

    @Test
    void aCriterionParameterOfTheWrongTypeOrRangeIsPlaced() throws IOException {
        assertRejected("""
                importance: {name: magnitude, parameters: {p: yes please}}
                """, "1:47: importance.parameters.p: must be a number, found string 'yes please'");
        assertRejected("""
                importance: {name: magnitude, parameters: {p: -1}}
                """, "1:47: importance.parameters.p: must be positive, found -1.0");
    }

    @Test
    void calibratedCriteriaNeedCalibrationData() throws IOException {
        assertRejected("""
                importance: taylor
                """, "1:13: importance: criterion 'taylor' needs calibration data:"
                + " calibration: [inputs.safetensors]");
    }

    @Test
    void badYamlIsPlaced() throws IOException {
        Path file = write("plan.yaml", "pruner: {ratio: 0.5\n");
        assertThatThrownBy(() -> PlanBinder.read(file)).isInstanceOf(PlanException.class)
                .hasMessageStartingWith(file + ":").hasMessageContaining("plan: not well-formed YAML");
    }

    @Test
    void anOverrideIsPlacedAtItsOption() throws IOException {
        PlanTree tree = PlanTree.read(write("plan.yaml", "pruner: {ratio: 0.5}\n"));
        tree.set("pruner.ratio", 2.0, "--ratio");
        assertThatThrownBy(() -> PlanBinder.bind(tree))
                .hasMessage("--ratio: pruner.ratio: must be in [0, 1), found 2.0");
    }

    @Test
    void criteriaParametersAreDeclaredWithDefaults() {
        ImportanceCriterion lamp = PluginHost.classpathOnly().criteria().get("lamp");
        assertThat(lamp.parameters()).extracting(d -> d.name() + "=" + d.defaultValue())
                .containsExactly("group_reduction=mean", "normalizer=lamp", "bias=false",
                        "score_all_members=false", "p=2.0");
        assertThat(PluginHost.classpathOnly().regularizers().get("group_norm").parameters())
                .extracting(d -> d.name()).containsExactly("reg", "alpha", "bias");
    }

    @Test
    void registriesHandOutFreshStatefulInstances() {
        PluginHost host = PluginHost.classpathOnly();
        assertThat(host.criteria().get("taylor")).isNotSameAs(host.criteria().get("taylor"));
        assertThat(host.pruners().get("meta")).isNotSameAs(host.pruners().get("meta"));
        assertThat(host.regularizers().get("growing_reg"))
                .isNotSameAs(host.regularizers().get("growing_reg"));
        assertThat(host.opTypes().get("conv2d")).isSameAs(host.opTypes().get("conv2d"));
    }
}
