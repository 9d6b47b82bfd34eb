package com.example.bonsai;

import ai.bonsai.api.ConfigException;
import ai.bonsai.api.importance.ImportanceCriterion;
import ai.bonsai.api.plugin.ParameterDeclaration;
import ai.bonsai.api.prune.Group;
import ai.bonsai.api.prune.GroupMember;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.pf4j.Extension;

/**
 * {@code channel-scale}: ranks a group's channels by the magnitude of the learned scales of the
 * {@link ChannelScaleOp} layers in the group, {@code sum |scale[c]|^p} (Network Slimming's idea
 * applied to a custom layer). Groups without such a layer are not scored, so the pruner leaves
 * them alone. Parameter: {@code p} (default 1).
 */
@Extension
public final class ChannelScaleImportance implements ImportanceCriterion {

    private final double p;

    /** The criterion with p = 1. */
    public ChannelScaleImportance() {
        this(1);
    }

    private ChannelScaleImportance(double p) {
        this.p = p;
    }

    @Override
    public String name() {
        return "channel-scale";
    }

    @Override
    public List<ParameterDeclaration> parameters() {
        return List.of(new ParameterDeclaration("p", ParameterDeclaration.Type.NUMBER, "1",
                "exponent of |scale|, positive"));
    }

    @Override
    public ImportanceCriterion withParameters(Map<String, ?> parameters) {
        double value = p;
        for (Map.Entry<String, ?> e : parameters.entrySet()) {
            if (!e.getKey().equals("p")) {
                throw new ConfigException("importance." + e.getKey(),
                        "criterion 'channel-scale' has no parameter '" + e.getKey()
                                + "'; available: p");
            }
            try {
                value = Double.parseDouble(String.valueOf(e.getValue()));
            } catch (NumberFormatException ex) {
                throw new ConfigException("importance.p", "must be a number, found '"
                        + e.getValue() + "'");
            }
            if (!(value > 0)) {
                throw new ConfigException("importance.p", "must be > 0, found " + value);
            }
        }
        return new ChannelScaleImportance(value);
    }

    @Override
    public Optional<double[]> score(Group group) {
        double[] scores = null;
        for (GroupMember m : group.members()) {
            if (!(m.node().op() instanceof ChannelScaleOp)) {
                continue;
            }
            float[] scale = m.node().parameter("scale").array().toFloatArray();
            if (scores == null) {
                scores = new double[m.idxs().size()];
            }
            for (int k = 0; k < scores.length; k++) {
                scores[k] += Math.pow(Math.abs(scale[m.idxs().get(k)]), p);
            }
        }
        return Optional.ofNullable(scores);
    }
}
