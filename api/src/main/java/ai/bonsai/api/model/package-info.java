/**
 * Ways in and out of the graph IR: {@link ai.bonsai.api.model.ModelFormat} readers/writers and
 * {@link ai.bonsai.api.model.ModelAdapter} family builders.
 */
package ai.bonsai.api.model;
