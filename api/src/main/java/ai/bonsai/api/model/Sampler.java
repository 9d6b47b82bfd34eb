package ai.bonsai.api.model;

import ai.bonsai.api.graph.Graph;
import java.nio.file.Path;
import org.pf4j.ExtensionPoint;

/**
 * Generates images with a generative model and writes them as one image grid, so that a pruned
 * model can be looked at: {@code bonsai sample} finds the sampler that {@linkplain #accepts
 * accepts} the model among the host's extensions ({@code host.extensions(Sampler.class)}). The
 * diffusion plugin's DDIM sampler is one.
 *
 * <pre>{@code
 * Sampler.Grid grid = sampler.sample(unet, new Sampler.Settings(50, 0, 16, Path.of("grid.png")));
 * }</pre>
 */
public interface Sampler extends ExtensionPoint {

    /**
     * What to sample and where to write it.
     *
     * @param steps the number of denoising steps (at least 1)
     * @param seed the noise seed (same seed, model and settings: same images)
     * @param count the number of images (at least 1)
     * @param out the image file to write (PNG), atomically
     */
    record Settings(int steps, long seed, int count, Path out) {

        /**
         * Checks the settings.
         *
         * @throws IllegalArgumentException when steps or count is below 1, or out is null
         */
        public Settings {
            if (steps < 1 || count < 1 || out == null) {
                throw new IllegalArgumentException("sampling needs steps >= 1 (" + steps
                        + "), count >= 1 (" + count + ") and an output file (" + out + ")");
            }
        }
    }

    /**
     * The grid written.
     *
     * @param file the image file
     * @param columns images per row
     * @param rows rows of images
     * @param width the grid's width in pixels
     * @param height the grid's height in pixels
     */
    record Grid(Path file, int columns, int rows, int width, int height) {
    }

    /**
     * Returns the sampler's name, as users name it.
     *
     * @return the name, such as {@code ddim}
     */
    String name();

    /**
     * Tells whether this sampler can run a model (its inputs and outputs fit).
     *
     * @param graph the model
     * @return true if {@link #sample} accepts it
     */
    boolean accepts(Graph graph);

    /**
     * Samples images and writes them as a grid.
     *
     * @param graph the model
     * @param settings the settings
     * @return the grid written
     * @throws ModelFormatException naming the model when it does not fit or the file cannot be
     *     written
     */
    Grid sample(Graph graph, Settings settings);
}
