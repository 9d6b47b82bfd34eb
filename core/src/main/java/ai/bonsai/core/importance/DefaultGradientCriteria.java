package ai.bonsai.core.importance;

import ai.bonsai.api.importance.CalibratedCriterion;
import ai.bonsai.api.importance.GradientCriteria;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import java.util.function.Function;

/** Core's {@link GradientCriteria}: {@link TaylorImportance} with the given loss. */
public final class DefaultGradientCriteria implements GradientCriteria {

    /** Creates the factory (Guice binds it for extensions). */
    public DefaultGradientCriteria() {
    }

    @Override
    public CalibratedCriterion taylor(Function<NDList, NDArray> loss) {
        return TaylorImportance.builder().optLoss(loss).build();
    }
}
