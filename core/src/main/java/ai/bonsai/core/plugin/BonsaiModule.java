package ai.bonsai.core.plugin;

import ai.bonsai.api.graph.GraphRunner;
import ai.bonsai.api.importance.GradientCriteria;
import ai.bonsai.api.prune.DependencyGroups;
import ai.bonsai.core.depgraph.DefaultDependencyGroups;
import ai.bonsai.core.exec.DefaultGraphRunner;
import ai.bonsai.core.importance.DefaultGradientCriteria;
import com.google.inject.AbstractModule;

/**
 * Bonsai's Guice module: the bindings extensions may inject. Extensions themselves are created
 * just in time by Guice (public no-argument or {@code @Inject} constructor).
 */
public final class BonsaiModule extends AbstractModule {

    @Override
    protected void configure() {
        binder().disableCircularProxies();
        bind(GradientCriteria.class).to(DefaultGradientCriteria.class);
        bind(GraphRunner.class).to(DefaultGraphRunner.class);
        bind(DependencyGroups.class).to(DefaultDependencyGroups.class);
    }
}
