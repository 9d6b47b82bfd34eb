/**
 * The {@link ai.bonsai.api.pruner.Pruner} extension point, its {@link
 * ai.bonsai.api.pruner.PruningConfig} and the {@link ai.bonsai.api.pruner.PruningRun} it drives.
 */
package ai.bonsai.api.pruner;
