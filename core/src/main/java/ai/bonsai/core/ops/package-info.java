/** The built-in op types, one file each, registered as PF4J extensions. */
package ai.bonsai.core.ops;
