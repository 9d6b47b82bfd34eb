/**
 * DepGraph: the {@link ai.bonsai.core.depgraph.DependencyGraph} between pruning handles, and the
 * groups of coupled pruning operations it produces.
 */
package ai.bonsai.core.depgraph;
