package ai.bonsai.core.plugin;

/**
 * A service of the embedding application, bound in its own Guice injector.
 *
 * @param value the name
 */
public record ShopName(String value) {
}
