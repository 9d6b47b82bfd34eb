/** Runs graphs on DJL's engine: forward passes and gradients. */
package ai.bonsai.core.exec;
