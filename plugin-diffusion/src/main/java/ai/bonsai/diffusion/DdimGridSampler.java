package ai.bonsai.diffusion;

import ai.bonsai.api.graph.Graph;
import ai.bonsai.api.graph.GraphRunner;
import ai.bonsai.api.graph.Value;
import ai.bonsai.api.model.ModelFormatException;
import ai.bonsai.api.model.Sampler;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import jakarta.inject.Inject;
import java.util.List;
import org.pf4j.Extension;

/**
 * {@code ddim}: the {@link Sampler} of noise-predicting UNets (inputs {@code sample} [B, 3, H, W]
 * and {@code timestep} [B], output of the sample's shape): {@link DdimSampler} (η = 0) with the
 * linear 1000-step DDPM schedule, run through the host's {@link GraphRunner}, written by {@link
 * ImageGrid} in a grid of {@code ceil(sqrt(count))} columns.
 */
@Extension
public final class DdimGridSampler implements Sampler {

    private final GraphRunner runner;

    /**
     * Creates the sampler.
     *
     * @param runner the host's forward pass
     */
    @Inject
    public DdimGridSampler(GraphRunner runner) {
        this.runner = runner;
    }

    @Override
    public String name() {
        return "ddim";
    }

    @Override
    public boolean accepts(Graph graph) {
        List<Value> in = graph.inputs();
        if (in.size() != 2 || graph.outputs().size() != 1) {
            return false;
        }
        Shape sample = in.get(0).shape();
        return sample.dimension() == 4 && sample.get(1) == 3 && in.get(1).shape().dimension() == 1
                && graph.outputs().get(0).shape().equals(sample);
    }

    @Override
    public Grid sample(Graph graph, Settings settings) {
        if (!accepts(graph)) {
            throw new ModelFormatException("model '" + graph.name() + "' is not a noise-predicting UNet"
                    + " with inputs sample [B, 3, H, W] and timestep [B] (inputs " + graph.inputs() + ")");
        }
        Shape one = graph.inputs().get(0).shape();
        int columns = (int) Math.ceil(Math.sqrt(settings.count()));
        int rows = (settings.count() + columns - 1) / columns;
        DdimSampler ddim = new DdimSampler(DdpmSchedule.linear1000(), settings.steps());
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray images = ddim.sample((x, t) -> runner.forward(graph, new NDList(x, t)).head(), manager,
                    new Shape(settings.count(), one.get(1), one.get(2), one.get(3)), settings.seed());
            ImageGrid.write(images, columns, settings.out());
        }
        return new Grid(settings.out(), columns, rows, Math.toIntExact(Math.min(settings.count(), columns)
                * one.get(3)), Math.toIntExact(rows * one.get(2)));
    }
}
