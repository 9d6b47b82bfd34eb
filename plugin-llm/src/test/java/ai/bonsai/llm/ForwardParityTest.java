package ai.bonsai.llm;

import static org.assertj.core.api.Assertions.assertThat;

import ai.bonsai.api.graph.Graph;
import ai.bonsai.core.count.OpCounter;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Bonsai's forward against the logits of an independent PyTorch implementation. */
class ForwardParityTest {

    @ParameterizedTest
    @CsvSource({"tiny_llama, 193088", "tiny_qwen2, 185280", "tiny_qwen3, 234176"})
    void logitsMatchPyTorch(String fixture, long params) {
        try (Graph g = Models.read(Models.fixture(fixture)); NDManager m = NDManager.newBaseManager()) {
            assertThat(OpCounter.count(g).params()).isEqualTo(params);
            var logits = Models.logits(g, Models.ids(fixture, m));
            assertThat(logits.getShape()).isEqualTo(new Shape(2, 12, 128));
            assertThat(Models.maxAbsDiff(logits, Models.expectedLogits(fixture, m))).isLessThan(1e-4f);
        }
    }
}
