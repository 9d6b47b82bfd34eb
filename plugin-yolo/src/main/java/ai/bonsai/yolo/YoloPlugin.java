package ai.bonsai.yolo;

import org.pf4j.Plugin;

/**
 * The YOLO plugin's entry point, named by the jar manifest's {@code Plugin-Class}.
 *
 * <p>The plugin will contribute a model adapter for the YOLOv8 family (C2f blocks with their
 * split and concat, SPPF, and the Detect head with its distribution focal loss (DFL) decoding),
 * together with the op types and index mappings that pruning its channels needs. It holds no
 * state: PF4J finds the plugin's extensions through its extension index.
 */
public class YoloPlugin extends Plugin {

    /** Creates the plugin (PF4J instantiates it when it loads the jar). */
    public YoloPlugin() {
    }
}
