/**
 * Pruning groups and their value types: {@link ai.bonsai.api.prune.IndexSet}, {@link
 * ai.bonsai.api.prune.PruningHandle}, {@link ai.bonsai.api.prune.GroupMember} and {@link
 * ai.bonsai.api.prune.Group}.
 */
package ai.bonsai.api.prune;
