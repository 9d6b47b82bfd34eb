package ai.bonsai.vision;

import org.pf4j.Plugin;

/**
 * The vision plugin's entry point, named by the jar manifest's {@code Plugin-Class}. It holds no
 * state: PF4J finds {@link TorchvisionAdapter} through the plugin's extension index.
 */
public class VisionPlugin extends Plugin {

    /** Creates the plugin (PF4J instantiates it when it loads the jar). */
    public VisionPlugin() {
    }
}
