/** Built-in importance criteria and their reduction and normalization rules. */
package ai.bonsai.core.importance;
