package ai.bonsai.core.plugin;

import org.pf4j.ExtensionPoint;

/** A test-only extension point: an application's own kind of extension. */
public interface Greeter extends ExtensionPoint {

    /**
     * Greets.
     *
     * @return the greeting
     */
    String greet();
}
