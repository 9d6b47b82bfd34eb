/**
 * Built-in importance criteria, each an {@code @Extension} selectable by name with parameters
 * ({@code ImportanceCriterion.withParameters}): {@code magnitude}, {@code bnscale}, {@code lamp},
 * {@code fpgm}, {@code random}, the gradient criteria {@code taylor}, {@code hessian} and
 * {@code obdc}, and the activation criteria {@code wanda} and {@code flap}. Criteria that need data
 * implement {@link ai.bonsai.api.importance.CalibratedCriterion}: feed them calibration batches
 * with {@code accumulate(graph, inputs)} before scoring.
 *
 * <p>The group criteria share Torch-Pruning 1.6's shape ({@code GroupImportance}): members are
 * classified by role ({@link ai.bonsai.core.importance.ScoredMember}), scored, combined per root
 * channel ({@link ai.bonsai.core.importance.GroupReduction}) and normalized ({@link
 * ai.bonsai.core.importance.Normalizer}). Torch-Pruning's quirks are the defaults and are
 * documented on each criterion: depthwise convolutions and group norms are never scored, BN-scale
 * leaves groups without a batch norm unpruned, Taylor skips batch norms; {@code
 * scoreAllMembers} scores every member instead.
 */
package ai.bonsai.core.importance;
