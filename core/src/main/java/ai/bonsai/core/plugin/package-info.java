/**
 * The plugin host: PF4J discovery of extensions (from the classpath and from plugin jars),
 * Guice-created extension instances, and registries keyed by extension name.
 */
package ai.bonsai.core.plugin;
