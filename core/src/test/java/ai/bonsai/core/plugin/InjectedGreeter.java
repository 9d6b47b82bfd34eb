package ai.bonsai.core.plugin;

import ai.bonsai.api.op.OpType;
import ai.bonsai.api.plugin.ExtensionLookup;
import jakarta.inject.Inject;
import org.pf4j.Extension;

/**
 * A test extension built by the host's injector, injected with an application service from the
 * parent injector and with Bonsai's {@link ExtensionLookup}.
 */
@Extension
public final class InjectedGreeter implements Greeter {

    private final ShopName shop;
    private final ExtensionLookup lookup;

    /**
     * Creates the greeter.
     *
     * @param shop the application's service
     * @param lookup Bonsai's host service
     */
    @Inject
    public InjectedGreeter(ShopName shop, ExtensionLookup lookup) {
        this.shop = shop;
        this.lookup = lookup;
    }

    @Override
    public String greet() {
        return "hello from " + shop.value() + ", " + lookup.extensions(OpType.class).size()
                + " op types";
    }
}
