package io.chaosplaybooks.runtime.targets;

import io.chaosplaybooks.runtime.load.ServerEndpoint;

import java.util.List;

/**
 * The servers a run uses, and what they are. Closing stops whatever was started for them
 * (memcached processes, stand-ins); explicit servers are left alone.
 */
public interface ProvisionedTargets extends AutoCloseable {
    List<ServerEndpoint> servers();

    TargetKind kind();

    /** Stops what was started. Idempotent; never throws. */
    @Override
    void close();
}
