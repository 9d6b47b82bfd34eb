package ai.bonsai.yolo;

import org.pf4j.Plugin;

/**
 * The YOLO plugin's entry point, named by the jar manifest's {@code Plugin-Class}.
 *
 * <p>The plugin contributes the {@code yolo} model adapter ({@link YoloAdapter}) and model
 * format ({@link YoloFormat}) for the YOLOv8 family, and the op types of its Detect head: {@link
 * DflOp} ({@code yolo.dfl}) and {@link AnchorDecodeOp} ({@code yolo.decode}). It holds no state:
 * PF4J finds the plugin's extensions through its extension index.
 */
public class YoloPlugin extends Plugin {

    /** Creates the plugin (PF4J instantiates it when it loads the jar). */
    public YoloPlugin() {
    }
}
