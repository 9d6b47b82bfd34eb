/** Plugin support shared by the host and plugins: {@link ai.bonsai.api.plugin.PluginException}. */
package ai.bonsai.api.plugin;
