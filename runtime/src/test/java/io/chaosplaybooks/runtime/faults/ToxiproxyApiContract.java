package io.chaosplaybooks.runtime.faults;

import io.chaosplaybooks.runtime.proxy.ProxyInfo;

import java.net.URI;
import java.util.Map;

/** The contract for a backend that speaks to a Toxiproxy API: the server is read and changed through that API alone. */
abstract class ToxiproxyApiContract extends FaultBackendContract {
    /** The API's address; valid once {@link #createBackend(String)} has run. */
    protected abstract URI url();

    private ToxiproxyApiView view() {
        return new ToxiproxyApiView(url());
    }

    @Override
    protected Map<String, ProxyInfo> proxies() throws Exception {
        return view().proxies();
    }

    @Override
    protected void createOtherProxy(String name, String upstream) throws Exception {
        view().createProxy(name, upstream);
    }

    @Override
    protected void deleteOtherProxy(String name) throws Exception {
        view().deleteProxy(name);
    }
}
