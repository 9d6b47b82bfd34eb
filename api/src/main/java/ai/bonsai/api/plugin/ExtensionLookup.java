package ai.bonsai.api.plugin;

import java.util.List;
import org.pf4j.ExtensionPoint;

/**
 * A host service that lists the extensions of one extension point, from the classpath and from
 * every loaded plugin jar. An extension that consults other extensions (the ONNX format asks the
 * {@link ai.bonsai.api.onnx.OnnxOpCodec}s of all plugins) injects it:
 *
 * <pre>{@code
 * @Inject
 * public OnnxFormat(ExtensionLookup extensions) {
 *     this.codecs = extensions.extensions(OnnxOpCodec.class);
 * }
 * }</pre>
 */
public interface ExtensionLookup {

    /**
     * Returns every extension of a type that the host has loaded.
     *
     * @param type the extension point
     * @param <T> the extension point
     * @return the extensions, classpath ones first, then by plugin
     */
    <T extends ExtensionPoint> List<T> extensions(Class<T> type);
}
