/** The {@link ai.bonsai.api.importance.ImportanceCriterion} extension point. */
package ai.bonsai.api.importance;
