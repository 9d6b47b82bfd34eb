package ai.bonsai.vision;

import java.util.HashMap;
import java.util.Map;

/**
 * The dotted path of one torchvision module ({@code layer1.0}) and the node names inside it.
 *
 * <p>A submodule has one name ({@link #name}); a module or function applied several times gets
 * one name per application ({@link #call}), suffixed as {@code torch.fx} does:
 * {@code relu}, {@code relu_1}, {@code relu_2}.
 */
final class NameScope {

    private final String path;
    private final Map<String, Integer> calls = new HashMap<>();

    private NameScope(String path) {
        this.path = path;
    }

    /**
     * Returns the scope of a submodule of the network.
     *
     * @param path the module path, such as {@code layer1.0}
     * @return the scope
     */
    static NameScope of(String path) {
        return new NameScope(path);
    }

    /**
     * Returns the full name of a submodule.
     *
     * @param local the local name, such as {@code conv1} or {@code downsample.0}
     * @return the full name, such as {@code layer1.0.conv1}
     */
    String name(String local) {
        return path + "." + local;
    }

    /**
     * Returns the node name of the next application of a module or function.
     *
     * @param local the local name, such as {@code relu} or {@code add}
     * @return {@code path.local} the first time, then {@code path.local_1}, {@code path.local_2}
     */
    String call(String local) {
        int n = calls.merge(local, 1, Integer::sum) - 1;
        return name(n == 0 ? local : local + "_" + n);
    }
}
