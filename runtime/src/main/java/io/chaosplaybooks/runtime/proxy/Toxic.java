package io.chaosplaybooks.runtime.proxy;

import java.util.Map;

/**
 * A toxic's configuration: immutable, shared by every connection of a proxy. What a toxic does to
 * one connection in one direction lives in the {@link ToxicFlow} it opens, so configuration and
 * per-connection state stay apart (as Toxiproxy's toxic vs. its stub state).
 *
 * <p>Toxicity is not a toxic's business: {@link ToxicChain} rolls it once and bypasses the flow.
 */
interface Toxic {
    /** The Toxiproxy type name, e.g. {@code latency}. */
    String type();

    /** The attributes as the API shows them, with Toxiproxy's names and units. */
    Map<String, Object> attributes();

    /**
     * Opens this toxic's state for one connection and direction.
     *
     * @param previous the flow this one replaces when the toxic was updated on a live connection,
     *                 or null; a toxic whose state must survive an update (limit_data's byte count)
     *                 takes it over from there
     */
    ToxicFlow open(ToxicFlow previous);
}
