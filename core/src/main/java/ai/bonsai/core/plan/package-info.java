/**
 * Pruning plans: one schema ({@link ai.bonsai.core.plan.PruningPlan}) read from YAML or JSON
 * ({@link ai.bonsai.core.plan.PlanTree}, {@link ai.bonsai.core.plan.PlanBinder}) with every value's
 * file, line and column kept for messages, and resolved against the loaded extensions ({@link
 * ai.bonsai.core.plan.PlanResolver}) before any work starts. See {@code docs/plan.md}.
 */
package ai.bonsai.core.plan;
