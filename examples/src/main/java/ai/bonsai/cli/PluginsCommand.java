package ai.bonsai.cli;

import ai.bonsai.api.importance.ImportanceCriterion;
import ai.bonsai.api.plugin.ParameterDeclaration;
import ai.bonsai.api.pruner.Pruner;
import ai.bonsai.api.pruner.Regularizer;
import ai.bonsai.core.plugin.ExtensionRegistry;
import ai.bonsai.core.plugin.PluginFailure;
import ai.bonsai.core.plugin.PluginHost;
import ai.bonsai.core.plugin.PluginInfo;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code bonsai plugins}: lists the loaded plugins (id, version, provider, jar), every extension
 * by kind with where it comes from, the plugins' extensions of points the host has no registry
 * for (a plugin's own, such as ONNX op codecs), and the jars that failed to load with the reason.
 * Exits with 1 if any jar failed, after listing everything that loaded.
 */
@Command(
        name = "plugins",
        header = "List the loaded plugins and every extension they and the core provide.",
        description = "Plugin folders: the distribution's plugins/, then each --plugins DIR, then"
                + " the folders in BONSAI_PLUGINS (separated by the path separator). A jar that"
                + " fails to load is listed with the reason and the exit status is 1.")
public final class PluginsCommand implements Callable<Integer> {

    private static final String ROW = "  %-20s %-16s %-20s %s%n";

    @Spec
    private CommandSpec spec;

    /** Creates the command (picocli fills in its options). */
    public PluginsCommand() {
    }

    /**
     * Prints the listing.
     *
     * @return 0, or 1 if a plugin failed to load
     */
    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        try (PluginHost host = PluginHosts.openQuietly(spec)) {
            out.println("plugins:");
            if (host.plugins().isEmpty()) {
                out.println("  (none)");
            } else {
                out.printf(ROW, "ID", "VERSION", "PROVIDER", "JAR");
            }
            for (PluginInfo p : host.plugins()) {
                out.printf(ROW, p.id(), p.version(), p.provider().isEmpty() ? "-" : p.provider(),
                        p.path());
            }
            kinds(host).forEach((kind, registry) -> {
                out.printf("%n%s:%n", kind);
                for (String name : registry.names()) {
                    Object extension = registry.get(name);
                    out.printf("  %-28s %s%n", name, host.origin(extension));
                    aliases(extension).ifPresent(a -> out.printf("      aliases: %s%n", a));
                    for (ParameterDeclaration p : parameters(extension)) {
                        out.printf("      %s (%s, default %s): %s%n", p.name(),
                                p.type().name().toLowerCase(Locale.ROOT),
                                p.defaultValue(), p.doc());
                    }
                }
            });
            others(host, out);
            if (!host.failures().isEmpty()) {
                out.printf("%nfailed to load:%n");
                for (PluginFailure f : host.failures()) {
                    out.printf("  %s: %s%n", f.path().getFileName(), f.reason());
                }
            }
            out.flush();
            return host.failures().isEmpty() ? 0 : 1;
        }
    }

    /** Lists the plugins' extension classes that no registry holds (a plugin's own points). */
    private static void others(PluginHost host, PrintWriter out) {
        Set<String> registered = new HashSet<>();
        kinds(host).values().forEach(r -> r.all().forEach(e -> registered.add(e.getClass().getName())));
        List<String> lines = new ArrayList<>();
        for (PluginInfo p : host.plugins()) {
            for (String cls : host.extensionClassNames(p.id())) {
                if (!registered.contains(cls)) {
                    lines.add(String.format("  %-60s plugin %s%n", cls, p.id()));
                }
            }
        }
        if (!lines.isEmpty()) {
            out.printf("%nother extensions:%n");
            lines.forEach(out::print);
        }
    }

    private static List<ParameterDeclaration> parameters(Object extension) {
        if (extension instanceof ImportanceCriterion c) {
            return c.parameters();
        }
        if (extension instanceof Pruner p) {
            return p.parameters();
        }
        if (extension instanceof Regularizer r) {
            return r.parameters();
        }
        return List.of();
    }

    private static Optional<String> aliases(Object extension) {
        if (extension instanceof ImportanceCriterion c && !c.aliases().isEmpty()) {
            return Optional.of(String.join(", ", c.aliases().keySet()));
        }
        return Optional.empty();
    }

    private static Map<String, ExtensionRegistry<?>> kinds(PluginHost host) {
        Map<String, ExtensionRegistry<?>> kinds = new LinkedHashMap<>();
        kinds.put("op types", host.opTypes());
        kinds.put("importance criteria", host.criteria());
        kinds.put("pruners", host.pruners());
        kinds.put("regularizers", host.regularizers());
        kinds.put("model formats", host.formats());
        kinds.put("model adapters", host.adapters());
        return kinds;
    }
}
