package ai.bonsai.transformers;

import ai.bonsai.api.graph.Graph;
import ai.bonsai.api.model.ModelSpec;
import ai.bonsai.api.model.Safetensors;
import ai.bonsai.core.exec.GraphExecutor;
import ai.bonsai.core.plugin.PluginHost;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** The encoder fixtures (copied from shared/fixtures): folders, inputs, reference logits. */
final class Fixtures {

    static final String BERT = "tiny_bert";
    static final String VIT = "tiny_vit_hf";
    static final Shape BERT_INPUT = new Shape(2, 16);
    static final Shape VIT_INPUT = new Shape(1, 3, 32, 32);

    private static final PluginHost HOST = PluginHost.classpathOnly();

    private Fixtures() {
    }

    static PluginHost host() {
        return HOST;
    }

    static Path dir(String fixture) {
        try {
            return Path.of(Fixtures.class.getResource("/fixtures/" + fixture).toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    static Shape input(String fixture) {
        return fixture.equals(BERT) ? BERT_INPUT : VIT_INPUT;
    }

    /** Builds a folder through the adapter at the fixture's input shape. */
    static Graph load(Path dir, String fixture) {
        String architecture = fixture.equals(BERT) ? "bert" : "vit";
        return new TransformersAdapter().build(new ModelSpec(architecture, input(fixture),
                Map.of(TransformersAdapter.MODEL_DIR, dir.toString())), HOST.newGraphBuilder(fixture, 0));
    }

    /** The fixture's inputs in the graph's input order. */
    static NDList inputs(String fixture, NDManager m) {
        Map<String, NDArray> all = Safetensors.read(dir(fixture).resolve("inputs.safetensors"), m);
        List<String> order = fixture.equals(BERT)
                ? List.of("input_ids", "attention_mask", "token_type_ids") : List.of("pixel_values");
        NDList list = new NDList();
        order.forEach(n -> list.add(all.get(n)));
        return list;
    }

    static NDArray logits(String fixture, NDManager m) {
        return Safetensors.read(dir(fixture).resolve("logits.safetensors"), m).get("logits");
    }

    static NDArray forward(Graph g, NDList inputs) {
        return new GraphExecutor(g).forward(inputs).head();
    }

    static NDList forwardAll(Graph g, NDList inputs) {
        return new GraphExecutor(g).forward(inputs);
    }

    static float maxDiff(NDArray a, NDArray b) {
        return a.sub(b).abs().max().getFloat();
    }
}
