package io.chaosplaybooks.cli;

import picocli.CommandLine;

final class VersionProvider implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
        String v = Main.class.getPackage().getImplementationVersion();
        return new String[] {
            "chaos " + (v == null ? "dev" : v),
            "JVM ${java.version} (${java.vendor}) on ${os.name} ${os.arch}"
        };
    }
}
