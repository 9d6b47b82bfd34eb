package ai.bonsai.diffusion;

import ai.bonsai.api.graph.Graph;
import ai.bonsai.api.model.Safetensors;
import ai.bonsai.core.plugin.PluginHost;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import java.net.URISyntaxException;
import java.nio.file.Path;

/** The {@code ddpm_unet_micro} fixture (copied from shared/fixtures) and ways to run it. */
final class Fixture {

    static final PluginHost HOST = PluginHost.classpathOnly();

    private Fixture() {
    }

    /** The fixture folder. */
    static Path folder() {
        return resource("/ddpm_unet_micro");
    }

    static Path resource(String name) {
        try {
            return Path.of(Fixture.class.getResource(name).toURI());
        } catch (URISyntaxException | NullPointerException e) {
            throw new IllegalStateException("missing test resource " + name, e);
        }
    }

    /** Reads the fixture folder through the format. */
    static Graph read() {
        return read(folder());
    }

    static Graph read(Path folder) {
        return new DiffusersUNetFormat().read(folder, HOST.newGraphBuilder("ddpm_unet_micro", 0));
    }

    /** Reads one tensor of a fixture file. */
    static NDArray tensor(NDManager manager, String file, String name) {
        return Safetensors.read(folder().resolve(file), manager).get(name);
    }

    /** The fixture inputs: sample and timestep (500). */
    static NDList inputs(NDManager manager) {
        return new NDList(tensor(manager, "sample.safetensors", "sample"),
                tensor(manager, "timestep.safetensors", "timestep"));
    }

    /** PyTorch's output for the inputs. */
    static NDArray expected(NDManager manager) {
        return tensor(manager, "out_sample.safetensors", "out_sample");
    }

    /** The largest absolute difference of two arrays of equal shape. */
    static float maxAbsDiff(NDArray a, NDArray b) {
        return a.sub(b).abs().max().getFloat();
    }
}
