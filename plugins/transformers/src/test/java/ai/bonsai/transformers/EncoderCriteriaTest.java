package ai.bonsai.transformers;

import static org.assertj.core.api.Assertions.assertThat;

import ai.bonsai.api.graph.Graph;
import ai.bonsai.api.importance.CalibratedCriterion;
import ai.bonsai.api.importance.ImportanceCriterion;
import ai.bonsai.core.pruner.MetaPruner;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every core criterion prunes the encoders' heads and MLP; the calibrated ones (gradients:
 * Taylor, Hessian, OBDC; activations: Wanda, FLAP) are fed the fixtures' token ids or images.
 */
class EncoderCriteriaTest {

    @ParameterizedTest
    @ValueSource(strings = {"magnitude", "lamp", "fpgm", "random", "bnscale", "taylor", "hessian", "obdc", "wanda",
        "flap"})
    void everyCriterionPrunesHeadsAndMlpOfBothFamilies(String name) {
        for (String fixture : new String[] {Fixtures.BERT, Fixtures.VIT}) {
            try (Graph g = Fixtures.load(Fixtures.dir(fixture), fixture); NDManager m = NDManager.newBaseManager()) {
                NDList inputs = Fixtures.inputs(fixture, m);
                ImportanceCriterion criterion = Fixtures.host().criteria().get(name);
                if (criterion instanceof CalibratedCriterion calibrated) {
                    calibrated.reset();
                    calibrated.accumulate(g, inputs);
                }
                new MetaPruner().start(g, EncoderPruning.familyDefault(0.25).configure(g, criterion).build()).step();
                EncoderNames names = EncoderFolder.configOf(g).names();
                // bnscale scores only batch norms: encoders have none, so nothing is pruned
                long heads = name.equals("bnscale") ? 4 : 3;
                assertThat(g.node(names.selfAttention(1)).attributes().getLong("num_heads")).as(fixture).isEqualTo(heads);
                assertThat(Fixtures.forward(g, inputs).getShape()).isEqualTo(
                        fixture.equals(Fixtures.BERT) ? new Shape(2, 3) : new Shape(1, 10));
            }
        }
    }
}
