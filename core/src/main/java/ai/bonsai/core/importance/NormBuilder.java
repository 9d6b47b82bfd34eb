package ai.bonsai.core.importance;

import ai.bonsai.api.ConfigException;
import ai.bonsai.api.plugin.ParameterDeclaration;
import java.util.List;

/**
 * A {@link CriterionBuilder} with a norm exponent {@code p} (parameter {@code p}, default 2),
 * shared by the magnitude-based criteria.
 *
 * @param <B> the concrete builder
 */
public abstract class NormBuilder<B extends NormBuilder<B>> extends CriterionBuilder<B> {

    private double p = 2;

    /** Creates a builder with p = 2. */
    protected NormBuilder() {
    }

    /**
     * Sets the norm exponent.
     *
     * @param p positive
     * @return this builder
     */
    public B optP(double p) {
        this.p = p;
        return self();
    }

    /**
     * Returns the exponent, validated.
     *
     * @return p
     * @throws ConfigException if p is not positive
     */
    double p() {
        if (!(p > 0)) {
            throw new ConfigException(field("p"), "must be positive, found " + p);
        }
        return p;
    }

    @Override
    protected boolean applyParameter(String key, String name, Object value) {
        if (!key.equals("p")) {
            return false;
        }
        optP(doubleValue(name, value));
        return true;
    }

    @Override
    protected List<ParameterDeclaration> ownParameters() {
        return List.of(new ParameterDeclaration("p", ParameterDeclaration.Type.NUMBER,
                String.valueOf(p), "norm exponent of the weights, positive"));
    }
}
