package ai.bonsai.serve;

import java.nio.file.Path;
import java.util.Optional;

/**
 * Settings of a {@link PruningService}.
 *
 * @param host the address to bind ({@code 127.0.0.1} by default: local clients only)
 * @param port the port; 0 picks a free one
 * @param token the bearer token every request must carry, if any
 * @param maxUploadBytes the largest request body accepted (larger: 413)
 * @param queue how many accepted jobs may wait for a worker (more: 429)
 * @param workers how many jobs run at once
 * @param jobsDir where jobs keep their files (one folder per job, removed when cancelled)
 */
public record ServiceConfig(String host, int port, Optional<String> token, long maxUploadBytes,
        int queue, int workers, Path jobsDir) {

    /**
     * Validates the settings.
     *
     * @throws IllegalArgumentException if a count or size is out of range
     */
    public ServiceConfig {
        if (port < 0 || port > 65535 || maxUploadBytes < 1 || queue < 0 || workers < 1) {
            throw new IllegalArgumentException("port in [0, 65535], max upload >= 1, queue >= 0"
                    + " and workers >= 1; found port " + port + ", max upload " + maxUploadBytes
                    + ", queue " + queue + ", workers " + workers);
        }
    }
}
