package ai.bonsai.core.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Path;

/** Test resources: fixtures copied from the shared folder, and reference JSON. */
public final class Resources {

    private static final ObjectMapper JSON = new ObjectMapper();

    private Resources() {
    }

    /**
     * Returns the path of a test resource.
     *
     * @param name the resource name, such as {@code fixtures/tiny_resnet.safetensors}
     * @return its path
     */
    public static Path path(String name) {
        URL url = Resources.class.getClassLoader().getResource(name);
        if (url == null) {
            throw new IllegalArgumentException("missing test resource " + name);
        }
        try {
            return Path.of(url.toURI());
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException(name, e);
        }
    }

    /**
     * Reads a JSON test resource.
     *
     * @param name the resource name
     * @return its tree
     */
    public static JsonNode json(String name) {
        try (InputStream in = Resources.class.getClassLoader().getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalArgumentException("missing test resource " + name);
            }
            return JSON.readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
