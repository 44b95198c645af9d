package io.chaosplaybooks.dsl.plan;

/** A server the playbook names: explicit address, or null for one the run provides. */
public record ServerSpec(String name, String address, SourcePos pos) {}
