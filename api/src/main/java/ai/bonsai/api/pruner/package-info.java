/**
 * The {@link ai.bonsai.api.pruner.Pruner} extension point, its {@link
 * ai.bonsai.api.pruner.PruningConfig} (with its {@link ai.bonsai.api.pruner.PruningSchedule} and
 * {@link ai.bonsai.api.pruner.PruningBudget}) and the {@link ai.bonsai.api.pruner.PruningRun} it
 * drives; and the {@link ai.bonsai.api.pruner.Regularizer} extension point for sparse training.
 */
package ai.bonsai.api.pruner;
