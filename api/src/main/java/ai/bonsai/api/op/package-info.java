/**
 * The {@link ai.bonsai.api.op.OpType} extension point and the channel semantics DepGraph reads
 * from it: {@link ai.bonsai.api.op.ChannelSemantics}, {@link ai.bonsai.api.op.ChannelSlot},
 * {@link ai.bonsai.api.op.IndexMapping}.
 */
package ai.bonsai.api.op;
